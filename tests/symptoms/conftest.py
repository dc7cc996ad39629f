def valid_body(**overrides) -> dict:
    """A complete, valid API body (the docs/api.md example), with nested overrides: pain={"now": 5}."""
    body = {
        "pain": {
            "now": 3,
            "worst_24h": 5,
            "sites": ["mid_back"],
            "night_pain": False,
            "worse_with_straining": False,
            "breakthrough_doses": 1,
        },
        "neuro": {
            "weakness": {},
            "numbness": [],
            "walking": "normal",
            "falls": 0,
            "bladder": "normal",
            "bowel": "constipation",
        },
        "side_effects": {"fatigue": 2, "nausea": 0, "diarrhoea": 0, "skin_reaction": 1, "rash": 0},
        "note": "Slept badly.",
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    return body
