"""Starter psychological support library: reading and practice modules.

Plain data, no models: a migration or management command loads it into the
database. Every string people read is wrapped in ``gettext_lazy`` so it can be
translated; each Markdown body is one translatable string.

The content is evidence-informed (cognitive behavioural therapy for pain and
worry, pacing, relaxation and mindfulness practice, sleep habits, fear of
progression and meaning-centred ideas) but makes no claims about specific
study results. Where symptoms could be a sign of spinal cord compression, the
text tells the reader to contact their care team, and to use the team's
emergency number when things change fast. No phone numbers are given here:
the app shows the site's own numbers.

``PROGRAMMES`` list ``(module_slug, day_offset)`` pairs; day 0 is the day the
programme starts.
"""

from django.utils.translation import gettext_lazy as _

MODULES: list[dict] = [
    {
        "slug": "pain-mind-and-body",
        "title": _("How pain, mood and thoughts affect each other"),
        "kind": "psychoeducation",
        "minutes": 8,
        "body": _(
            "## Your pain is real\n\n"
            "Your pain is real. It comes from your body. But how strong it feels, and how much it gets in your way, can also change with your mood and your thoughts.\n\n"
            'When you are worried, tired or low, pain often feels bigger. When you are calm, or busy with something or someone you like, it can feel a bit smaller. This does not mean it is "all in your head". It is how your brain and nerves work together.\n\n'
            "## The pain cycle\n\n"
            "Pain can start a cycle:\n\n"
            "- Pain makes you worry and do less.\n"
            "- Doing less makes your muscles weaker and stiffer.\n"
            "- Worry and weak muscles can make pain feel worse.\n\n"
            "The skills in this programme help you break that cycle, one small step at a time.\n\n"
            "## Pain your team must hear about\n\n"
            "Some pain is a message you need to pass on. Tell your care team the same day if:\n\n"
            "- your pain is new, or much worse than usual\n"
            "- pain wakes you at night, or gets worse when you cough, sneeze or strain\n"
            "- you have new weakness, numbness or tingling in your arms or legs\n"
            "- you have new problems with your bladder or bowels\n\n"
            "If these come on fast or keep getting worse, call your team's emergency number straight away. Coping skills are extra help. They never replace telling your team.\n\n"
            "## Try this today\n\n"
            "Make a short pain and mood note three times today: morning, afternoon and evening.\n\n"
            "1. Score your pain from 0 to 10.\n"
            "2. Write one word for your mood.\n"
            "3. Write what you were doing.\n\n"
            "Tonight, look at your notes. Did your pain and mood move together? There is no right answer. You are just noticing.\n"
        ),
    },
    {
        "slug": "noticing-pain-thoughts",
        "title": _("Noticing and checking pain thoughts"),
        "kind": "cbt_skill",
        "minutes": 10,
        "body": _(
            "## Thoughts are not always facts\n\n"
            'When you are in pain, your mind makes quick guesses. "This will never get better." "I can\'t do anything any more." These thoughts pop up on their own. They can feel true, but they are guesses, not facts.\n\n'
            "Unhelpful thoughts can make you feel worse and do less. Learning to notice them is the first step.\n\n"
            "## Common thinking traps\n\n"
            '- **Fortune telling**: "Tomorrow will be awful."\n'
            "- **All or nothing**: \"If I can't walk far, there's no point walking at all.\"\n"
            '- **Expecting the worst**: "This twinge means disaster."\n\n'
            "You are not doing anything wrong if you have these thoughts. Everyone does.\n\n"
            "## Catch it, check it, change it\n\n"
            "1. **Catch it.** Notice the thought. Write it down word for word.\n"
            "2. **Check it.** What is the evidence for it? What is the evidence against it? What would you say to a friend who had this thought?\n"
            '3. **Change it.** Find a fairer thought. It does not have to be cheerful, just more balanced. For example: "Today is hard. Yesterday afternoon was easier. This may ease too."\n\n'
            "Checking a thought is not the same as ignoring a real change in your body. If a worry is about a new symptom, like new weakness, numbness, or trouble with your bladder or bowels, the helpful step is to tell your care team today.\n\n"
            "## Try this today\n\n"
            "Next time your mood drops, pause and write three lines:\n\n"
            "- What happened?\n"
            "- What went through my mind?\n"
            "- What is a kinder, fairer way to see it?\n\n"
            "Do this once today. It gets easier with practice.\n"
        ),
    },
    {
        "slug": "pacing-your-energy",
        "title": _("Pacing: a steady amount most days"),
        "kind": "pain_coping",
        "minutes": 10,
        "body": _(
            "## Boom and bust\n\n"
            "On a good day it is tempting to do everything. Then pain and tiredness flare up, and you need days to get over it. This is called boom and bust. Over time, it can shrink what you are able to do.\n\n"
            "## What pacing means\n\n"
            "Pacing means doing a steady amount most days, good day or bad. You split jobs into chunks and rest before you have to.\n\n"
            "- Break big jobs into small parts. Tidy one room, not the whole house.\n"
            "- Take short breaks before pain or tiredness build up, not after.\n"
            "- Change position often: sitting, standing, lying, within the limits your team gave you.\n"
            "- Plan harder jobs for the time of day you usually feel best.\n"
            "- Take your pain medicine the way your team told you, so it works when you need it.\n\n"
            "## Find your starting point\n\n"
            "Think of one task, like standing to cook. On an average day, how long can you do it before your pain starts to rise? Start at a bit less than that. This is your starting point. Keep to it for a week. Then add a little, maybe a minute or two.\n\n"
            "## Be kind to yourself\n\n"
            "Pacing can feel slow. It is a way to build up steadily, not a sign of giving up. Some days will still be bad. That is normal.\n\n"
            "If your pain or tiredness is getting worse week by week, tell your team. It may be something they can help with.\n\n"
            "## Try this today\n\n"
            "Choose one job to do today. Split it into three parts. Take a short rest between each part, even if you feel fine. Notice how you feel this evening.\n"
        ),
    },
    {
        "slug": "small-steps-to-activity",
        "title": _("Small steps back to things you enjoy"),
        "kind": "pain_coping",
        "minutes": 10,
        "body": _(
            "## Doing less can make you feel worse\n\n"
            "When pain and worry take over, it is natural to stop doing things. But giving up what you enjoy can make your mood drop, and low mood can make pain harder to bear. Adding small, good things back into your week can help with both.\n\n"
            "## Pick what matters\n\n"
            "Think about three kinds of activity:\n\n"
            "- **Things you enjoy**: music, a phone call, sitting in the garden.\n"
            "- **Things that give you a feeling of getting something done**: writing a card, sorting a drawer.\n"
            "- **Things that connect you to others**: a chat with a friend, a visit from family.\n\n"
            "Choose things that fit your body now. If your back or your strength limits you, think of a smaller version. Love cooking? Maybe you choose the recipe and stir the pot while someone else does the lifting.\n\n"
            "## Plan it, then do it\n\n"
            "Waiting until you feel like it rarely works. Plan first. The good feeling often comes afterwards.\n\n"
            "1. Pick one small activity.\n"
            "2. Write down when you will do it.\n"
            "3. Do it, even if only for a few minutes.\n"
            "4. Afterwards, score how much you enjoyed it from 0 to 10, and how much you felt you got something done from 0 to 10.\n\n"
            "## Stay safe\n\n"
            "Keep to the exercise and lifting limits your team has given you. If an activity brings on new weakness, numbness, or problems with your bladder or bowels, stop and tell your team.\n\n"
            "## Try this today\n\n"
            "Write down one thing you used to enjoy. Make it smaller and smaller until it feels doable today. Then pick a time, and do it.\n"
        ),
    },
    {
        "slug": "worry-time",
        "title": _("Worry time"),
        "kind": "cbt_skill",
        "minutes": 15,
        "body": _(
            "## Why worry grows\n\n"
            "Living with cancer brings real worries. But worry can also take over your whole day. It pops up whenever things are quiet, and it can keep you awake at night. Trying hard not to worry often makes it louder.\n\n"
            "## Worry time\n\n"
            "Worry time gives worry a set place in your day, so it takes up less of the rest.\n\n"
            "1. **Pick a time.** Choose 15 minutes at the same time each day. Not too close to bedtime.\n"
            '2. **Park your worries.** When a worry comes up at another time, write it down on paper or on your phone. Tell yourself: "I\'ll think about that at worry time." Then gently bring your mind back to what you were doing.\n'
            "3. **Use the time.** At worry time, read your list. For each worry, ask: can I do something about this? If yes, write one small next step. If no, notice that it is out of your hands, and let it be for now.\n"
            "4. **Stop on time.** When the 15 minutes are up, do something that takes your attention, like a phone call or some music.\n\n"
            "Many worries look smaller by the time you come back to them.\n\n"
            "## Worries you must not park\n\n"
            "Some worries are about your body and need action now, not later. New weakness, numbness or tingling in your arms or legs, or new trouble with your bladder or bowels, must go to your care team the same day. If they are sudden or getting worse, call your team's emergency number at once.\n\n"
            "## Try this today\n\n"
            "Choose your worry time and write it down. Start a worry list. At worry time today, go through your list once, then stop when the time is up.\n"
        ),
    },
    {
        "slug": "problem-solving-steps",
        "title": _("Solving problems one step at a time"),
        "kind": "cbt_skill",
        "minutes": 12,
        "body": _(
            "## When problems pile up\n\n"
            "Illness brings practical problems: getting to appointments, money, help at home, forms to fill in. When they pile up, they can feel like one big knot. Problem solving helps you pull out one thread at a time.\n\n"
            "## Five steps\n\n"
            '1. **Name the problem.** Be specific. Not "everything is a mess", but "I can\'t get to my appointment on Tuesday".\n'
            "2. **List ideas.** Write down every idea, even silly ones. Don't judge them yet. Could a friend drive you? Is there hospital transport? Can the time be changed?\n"
            "3. **Weigh them up.** For each idea, write one good point and one bad point.\n"
            "4. **Pick one and plan it.** What will you do, when, and who will you ask?\n"
            "5. **Check how it went.** If it did not work, that is useful to know. Go back to your list and try another idea.\n\n"
            "## Ask for help\n\n"
            "You do not have to solve everything by yourself. Your care team, a social worker or a cancer charity may be able to help with transport, money worries or help at home.\n\n"
            'Family and friends often want to help but don\'t know how. Give them a clear job. "Could you collect my medicine on Friday?" is easier to say yes to than "Let me know if you can help."\n\n'
            "## Try this today\n\n"
            "Pick one small problem that has bothered you this week. Work through the five steps on paper. Aim to do the first part of your plan by the end of tomorrow.\n"
        ),
    },
    {
        "slug": "slow-breathing-for-calm",
        "title": _("Slow breathing for calm"),
        "kind": "relaxation",
        "minutes": 8,
        "body": _(
            "## Your breath and your body\n\n"
            "When you are stressed or in pain, your breathing often gets fast and shallow, high up in your chest. Your muscles tense. Slowing your breath down is one of the simplest ways to tell your body it can settle a little.\n\n"
            "## How to do it\n\n"
            "You can do this lying down or sitting, whichever your team has said is safe for you.\n\n"
            "1. Get comfortable. Let your shoulders drop.\n"
            "2. Put one hand on your tummy.\n"
            "3. Breathe in gently through your nose for a count of four. Feel your tummy rise.\n"
            "4. Breathe out slowly through your mouth for a count of six. Feel your tummy fall.\n"
            "5. Keep going for three to five minutes.\n\n"
            "The out-breath is a little longer than the in-breath. That is the part that helps you calm down.\n\n"
            "## Tips\n\n"
            "- Don't force big breaths. Gentle is better.\n"
            "- If you feel dizzy, go back to normal breathing for a while.\n"
            "- Practise when you are fairly calm, so it is easier to use when you are not.\n"
            "- Link it to something you do every day, like after brushing your teeth.\n\n"
            "## When to get help instead\n\n"
            "If you are suddenly much more short of breath, have chest pain, or feel very unwell, this is not a time for relaxation. Contact your care team, or call for urgent help.\n\n"
            "## Try this today\n\n"
            "Set three reminders for today. Each time one goes off, take ten slow breaths with a longer out-breath. Afterwards, notice one thing that feels different in your body, however small.\n"
        ),
    },
    {
        "slug": "body-scan",
        "title": _("Body scan"),
        "kind": "relaxation",
        "minutes": 15,
        "body": _(
            "## What is a body scan?\n\n"
            "A body scan means moving your attention slowly through your body, from your toes to your head. You just notice what is there: warmth, coolness, tingling, pressure, ease or discomfort. You don't need to change anything.\n\n"
            "It comes from mindfulness practice. Many people use it to feel calmer and to help them sleep.\n\n"
            "## Why notice a body that hurts?\n\n"
            "It may seem odd to pay attention to your body when it hurts. But we often tense up against pain, and the tension adds to it. Noticing with kindness, instead of fighting, can take the edge off. You can always skip a sore area and go back to your breath.\n\n"
            "## How to do it\n\n"
            "1. Lie or sit comfortably. Close your eyes if you like.\n"
            "2. Take a few slow breaths.\n"
            "3. Bring your attention to your toes. What do you notice?\n"
            "4. Slowly move up: feet, legs, hips, tummy, back, chest, hands, arms, shoulders, neck, face.\n"
            "5. If your mind wanders, that is normal. Gently bring it back.\n"
            "6. Finish with three slow breaths.\n\n"
            "Take 10 to 15 minutes, or less if you are tired.\n\n"
            "## If you notice something new\n\n"
            "A body scan is not a symptom check. But if you notice new weakness, numbness or tingling in your arms or legs, or around your bottom or inner thighs, tell your care team today. If it came on suddenly or is getting worse, call your team's emergency number now.\n\n"
            "## Try this today\n\n"
            "Try a short body scan in bed tonight. Spend about a minute each on your feet, legs, tummy, hands, shoulders and face.\n"
        ),
    },
    {
        "slug": "mindful-moments",
        "title": _("Mindful moments in everyday life"),
        "kind": "relaxation",
        "minutes": 10,
        "body": _(
            "## Being here, now\n\n"
            "Mindfulness means paying attention to what is happening right now, on purpose, without judging it. Our minds spend a lot of time in the past or the future, often worrying. Coming back to the present moment can give you a short rest from that.\n\n"
            "Mindfulness-based stress reduction is a well-known course that teaches these skills. You can try some of the ideas at home, with no special kit.\n\n"
            "## You don't need an empty mind\n\n"
            "Thoughts will keep coming. That is fine. The skill is noticing that your mind has wandered, and bringing it back, again and again. Each time you do that is a small success.\n\n"
            "## Everyday practice\n\n"
            "You can be mindful while doing ordinary things:\n\n"
            "- **A warm drink**: notice the heat of the cup, the smell, the taste.\n"
            "- **Washing your hands**: feel the water, the soap, the towel.\n"
            "- **Looking out of a window**: find five things you can see, four you can hear and three you can feel.\n"
            "- **Music**: follow one instrument all the way through a song.\n\n"
            "## When feelings are big\n\n"
            'Mindfulness is not about pushing feelings away. If sadness or fear come up, you can notice them too: "Here is fear." Then come back to your breath or your senses.\n\n'
            "If you feel low most days, or have thoughts of ending your life, please tell your care team. If you feel you might act on those thoughts, call your team's emergency number or go to an emergency department now.\n\n"
            "## Try this today\n\n"
            "Choose one ordinary thing you will do today, like your morning drink. Do it slowly and with full attention for two minutes. No phone, no TV.\n"
        ),
    },
    {
        "slug": "sleep-habits",
        "title": _("Habits for better sleep"),
        "kind": "sleep",
        "minutes": 8,
        "body": _(
            "## Sleep and illness\n\n"
            "Pain, worry, treatment, some medicines and long days in bed can all upset sleep. Poor sleep then makes pain and low mood harder to cope with. Small changes to your habits can help your body find a better rhythm.\n\n"
            "## Helpful habits\n\n"
            "- **Wake up at the same time** each day, even after a bad night.\n"
            "- **Get some daylight** in the morning, even through a window.\n"
            "- **Keep naps short**: 20 to 30 minutes, and before mid-afternoon.\n"
            "- **Cut down on caffeine** after lunch. Tea, coffee, cola and energy drinks all have it.\n"
            "- **Keep your bed for sleep** as much as you can. If you are in bed a lot in the day, spend some of it in a chair, if your team says that is safe.\n"
            "- **Make your room comfortable**: dark, quiet and not too warm. Use pillows to support your body in the positions your team advised.\n\n"
            "## If you can't sleep\n\n"
            "If you have been awake for a long time and feel frustrated, do something quiet and dull in dim light until you feel sleepy. Then try again. Lying there battling with sleep often makes it harder.\n\n"
            "## Night pain needs reporting\n\n"
            "Pain that wakes you, or stops you getting to sleep, is something your team needs to know about, especially if it is new or getting worse. Pain that gets worse when you cough, sneeze or strain is important to report too. If you take steroids, ask your team whether the time of day you take them could affect your sleep.\n\n"
            "## Try this today\n\n"
            "Pick one habit from the list to try for a week. Each morning, score your sleep from 0 to 10, so you can see if it helps.\n"
        ),
    },
    {
        "slug": "wind-down-routine",
        "title": _("A wind-down routine for bedtime"),
        "kind": "sleep",
        "minutes": 10,
        "body": _(
            "## Why a routine helps\n\n"
            "Your body likes patterns. If you do the same calm things each night, your brain starts to link them with sleep. A wind-down routine is a bridge between a busy day and a restful night.\n\n"
            "## Build your routine\n\n"
            "Start about an hour before bed. Pick three or four things from this list:\n\n"
            "- Dim the lights and turn screens off, or right down.\n"
            "- Have a warm drink without caffeine.\n"
            "- Take your evening medicines at the time your team advised.\n"
            "- Write down any worries, with one next step for tomorrow, then close the notebook.\n"
            "- Take ten slow breaths, or do a short body scan.\n"
            "- Listen to calm music or an audiobook, or read something light.\n\n"
            "Do them in the same order each night.\n\n"
            "## Getting comfortable\n\n"
            "Pain can make it hard to settle. Ask your team:\n\n"
            "- whether the timing of your pain medicine could help you sleep\n"
            "- which lying positions and pillows are best for your spine\n"
            "- about help with needing the toilet in the night\n\n"
            "## Be patient\n\n"
            "A new routine can take a week or two to make a difference. Some nights will still be bad. That doesn't mean it isn't working.\n\n"
            "If you notice new trouble passing urine or controlling your bladder or bowels, or new numbness or weakness, tell your team, even in the night. If it is sudden or getting worse, call your team's emergency number.\n\n"
            "## Try this today\n\n"
            "Write your routine on a card: three or four steps, in order, starting an hour before bed. Put the card by your bed and follow it tonight.\n"
        ),
    },
    {
        "slug": "fear-of-cancer-growing",
        "title": _("Living with the fear that the cancer will grow"),
        "kind": "uncertainty",
        "minutes": 10,
        "body": _(
            "## A very common fear\n\n"
            "Many people with cancer worry that it will grow or spread. This fear is normal. It can be stronger before scans, after a new ache, or around dates that matter to you. It often comes and goes.\n\n"
            "## When fear takes over\n\n"
            "A little fear can keep you alert to changes. Too much can take over your days. You might:\n\n"
            "- check your body again and again\n"
            "- read about cancer online for hours\n"
            "- avoid making plans in case something goes wrong\n"
            "- find it hard to sleep or enjoy things\n\n"
            "These are natural ways of trying to feel safe. But they often feed the fear instead of calming it.\n\n"
            "## Know your real warning signs\n\n"
            "It helps to know which changes really need action, so you can stop scanning for everything. With cancer in the spine, tell your care team the same day about:\n\n"
            "- new or worse back or neck pain, especially at night or when you cough or strain\n"
            "- new weakness, numbness or tingling in your arms or legs\n"
            "- new trouble with your bladder or bowels, or numbness around your bottom\n\n"
            "If these come on fast or are getting worse, call your team's emergency number now. For other worries, write them down and take them to your next appointment.\n\n"
            "## Making room for life\n\n"
            "You can't force fear to go away. But you can help it shrink:\n\n"
            '- Save "what if" thoughts for worry time.\n'
            "- Plan things to look forward to, even small ones.\n"
            "- Talk to someone you trust about how you feel.\n\n"
            "If fear is getting in the way of your life, your team can put you in touch with a psychologist or counsellor.\n\n"
            "## Try this today\n\n"
            "Copy the warning signs above onto a card and keep it somewhere easy to find. When a new worry comes, check the card. Is it on there? If not, write it down for your next appointment.\n"
        ),
    },
    {
        "slug": "talking-with-family-and-children",
        "title": _("Talking with family and children"),
        "kind": "psychoeducation",
        "minutes": 10,
        "body": _(
            "## Why talking is hard\n\n"
            "Many of us want to protect the people we love. You might keep quiet so others don't worry. Your family may do the same for you. Then everyone ends up alone with the same fears.\n\n"
            "Talking honestly, in a way that suits your family, can bring you closer. It makes it easier to help each other.\n\n"
            "## Talking with adults\n\n"
            "- Choose a quiet time with no rush.\n"
            '- Start small: "I\'d like to tell you how things are going."\n'
            '- Say what would help: "I don\'t need advice. I just want you to listen."\n'
            "- Give people jobs. Many want to help but don't know how.\n\n"
            "## Talking with children\n\n"
            "Children often notice more than adults think. If nobody tells them, they may imagine something worse, or think it is their fault.\n\n"
            '- Use simple, true words. Say "cancer", not "a poorly bit".\n'
            '- Keep it short and let them ask questions. It is fine to say "I don\'t know."\n'
            "- Tell them it is not their fault, and they can't catch it.\n"
            "- Tell them what will stay the same, like who will take them to school.\n"
            "- Expect more questions later. Children often come back to it bit by bit.\n\n"
            "Your care team or a cancer charity may have books and advice for children of different ages.\n\n"
            "## You set the pace\n\n"
            "You don't have to share everything at once. It is fine to say, \"I'm not ready to talk about that yet.\"\n\n"
            "## Try this today\n\n"
            "Think of one person you would like to talk to. Write down one thing you want them to know, and one thing you would like them to do. Then choose when you might tell them.\n"
        ),
    },
    {
        "slug": "questions-for-your-team",
        "title": _("Asking your care team questions"),
        "kind": "psychoeducation",
        "minutes": 8,
        "body": _(
            "## You are allowed to ask\n\n"
            "Appointments can be short and stressful, and it is easy to forget what you meant to say. Asking questions is not being a nuisance. It helps your team look after you, and knowing more can make uncertainty easier to live with.\n\n"
            "## Before the appointment\n\n"
            "- Write questions down as they come to you.\n"
            "- Put the most important ones first.\n"
            "- Bring someone to listen and take notes, if you like.\n"
            "- Bring your symptom notes from this app.\n\n"
            "## Questions people often ask\n\n"
            "- What is the aim of my treatment?\n"
            "- Which side effects should I look out for, and who do I tell?\n"
            "- How much can I sit, stand, bend or lift?\n"
            "- What should I do if my pain gets worse?\n"
            "- Who do I call at night or at the weekend?\n"
            "- Can I see a psychologist, counsellor or social worker?\n\n"
            "## During the appointment\n\n"
            '- It is fine to say: "Can you explain that another way?"\n'
            "- Ask them to write the key points down.\n"
            '- Check at the end: "So the plan is..."\n\n'
            "## Tell your team straight away\n\n"
            "Don't save these for your next visit. Tell your care team the same day if you have:\n\n"
            "- new weakness, numbness or tingling in your arms or legs\n"
            "- new trouble passing urine, leaking, or losing control of your bowels\n"
            "- numbness around your bottom or inner thighs\n"
            "- new or much worse pain in your back or neck\n\n"
            "If these are sudden or getting worse, call your team's emergency number now, or go to an emergency department.\n\n"
            "## Try this today\n\n"
            "Start a question list for your next appointment. Write three questions, with the most important first. Then check that you know where your team's emergency number is kept.\n"
        ),
    },
    {
        "slug": "finding-meaning",
        "title": _("Finding meaning and what matters to you"),
        "kind": "uncertainty",
        "minutes": 10,
        "body": _(
            "## Asking the big questions\n\n"
            "Serious illness can shake up how you see your life. You may find yourself asking: What matters most to me now? What do I want people to remember? Why did this happen to me? These questions can hurt. They can also lead you towards what gives your days meaning.\n\n"
            "## Where people find meaning\n\n"
            "Meaning is personal. People find it in many places:\n\n"
            "- **People and pets**: time with family, friends and animals.\n"
            "- **Making things**: writing, music, cooking, gardening or crafts, in whatever way your body allows.\n"
            "- **Giving**: passing on a skill, a recipe, a story or some advice.\n"
            "- **Moments**: nature, beauty, a joke, a good meal.\n"
            "- **Beliefs**: faith, spirituality or your own values.\n\n"
            "## Your values as a compass\n\n"
            "Values are what you care about, like kindness, family, learning or fun. Illness may change what you can do. But you can often still live by your values in a new way. If adventure matters to you and you can't travel far, maybe you explore new music, or plan a trip to somewhere nearby.\n\n"
            "## Support\n\n"
            "Some people find it helps to talk with a chaplain, a faith leader, a psychologist or a counsellor. Your care team can help you find someone.\n\n"
            "If you feel hopeless most days or think about ending your life, please tell your team. If you might act on those thoughts, call your team's emergency number or go to an emergency department now.\n\n"
            "## Try this today\n\n"
            "Write down three things that really matter to you. Next to each one, write one small thing you could do this week that fits with it.\n"
        ),
    },
    {
        "slug": "planning-good-days",
        "title": _("Planning good days"),
        "kind": "uncertainty",
        "minutes": 10,
        "body": _(
            "## Why plan for good days?\n\n"
            "When the future feels uncertain, it is easy to put life on hold until the next scan or result. But the days you have now still count. Planning a good day, even a small one, is a way to take back some control.\n\n"
            "## What makes a good day?\n\n"
            "Think back to a recent day that felt a bit better. What was in it? Maybe:\n\n"
            "- someone you enjoyed seeing\n"
            "- something you felt proud of\n"
            "- time outside, or in your favourite chair\n"
            "- a good meal, a laugh or a film\n"
            "- enough rest between things\n\n"
            "## Plan it like a recipe\n\n"
            "1. **Pick a day** that isn't right after treatment, if you can.\n"
            "2. **Choose one main thing** you would like to do.\n"
            "3. **Add rest** before and after it.\n"
            "4. **Plan for your body**: when to take pain medicine, your walking aid, somewhere to sit.\n"
            "5. **Have a plan B**, a shorter or at-home version in case you're not up to it.\n"
            "6. **Tell someone**, so they can help or share it with you.\n\n"
            "## Good days and hard days\n\n"
            "Not every plan will work out. Some days your body will say no. That is not failure. Move the plan to another day, or switch to plan B.\n\n"
            "If you have new weakness, numbness, or bladder or bowel problems, the plan can wait. Tell your team straight away, and call their emergency number if things are changing fast.\n\n"
            "## Try this today\n\n"
            "Write a plan for one good day in the next two weeks. Include one main thing, some rest and a plan B. Tell one person about it.\n"
        ),
    },
]


PROGRAMMES: list[dict] = [
    {
        "slug": "coping-with-pain-and-worry",
        "title": _("Coping with pain and worry"),
        "description": _(
            "Six short sessions over about a month. Learn how pain, thoughts and "
            "mood affect each other, how to pace your day, and simple ways to "
            "handle worry and everyday problems."
        ),
        "modules": [
            ("pain-mind-and-body", 0),
            ("noticing-pain-thoughts", 5),
            ("pacing-your-energy", 10),
            ("small-steps-to-activity", 17),
            ("worry-time", 24),
            ("problem-solving-steps", 31),
        ],
    },
    {
        "slug": "calm-body-calmer-mind",
        "title": _("Calm body, calmer mind"),
        "description": _(
            "Five sessions over four weeks. Practise slow breathing, a body scan "
            "and mindful moments, and build sleep habits and a bedtime routine "
            "that suit you."
        ),
        "modules": [
            ("slow-breathing-for-calm", 0),
            ("body-scan", 7),
            ("mindful-moments", 14),
            ("sleep-habits", 21),
            ("wind-down-routine", 28),
        ],
    },
    {
        "slug": "living-with-uncertainty",
        "title": _("Living with uncertainty"),
        "description": _(
            "Six sessions over five weeks. Find ways to live with the fear of the "
            "cancer growing, talk with the people close to you, get the most from "
            "your care team, and plan days that matter."
        ),
        "modules": [
            ("fear-of-cancer-growing", 0),
            ("worry-time", 7),
            ("talking-with-family-and-children", 14),
            ("questions-for-your-team", 21),
            ("finding-meaning", 28),
            ("planning-good-days", 35),
        ],
    },
]
