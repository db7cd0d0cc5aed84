// The training data of the example run: everyday questions, each with one-line answers and
// detailed answers, judged by two people with opposite tastes. `detail-lover` prefers the detailed
// answer of every pair, `brevity-lover` the one-liner. A pooled reward model learns nothing useful
// from them (the two cancel out); NP-BTL learns to tell them apart from a few choices.

const TOPICS = [
  {
    prompts: ['How do I keep cut flowers fresh?', 'Any tips for making a bouquet last longer?'],
    short: ['Change the water every day.', 'Trim the stems and keep them cool.'],
    detail: [
      'Cut each stem at an angle under running water so air does not block it.',
      'Strip any leaves that would sit below the waterline, since they rot quickly.',
      'Refresh the water every day or two and add a little sugar or flower food.',
      'Keep the vase away from direct sun, radiators and ripening fruit.',
    ],
  },
  {
    prompts: ['How should I store fresh bread?', 'What is the best way to keep bread from going stale?'],
    short: ['Keep it in a paper bag.', 'Freeze what you will not eat today.'],
    detail: [
      'A paper or cloth bag lets the crust breathe while slowing how fast the crumb dries out.',
      'The fridge makes bread stale faster, because starch crystallises quickly at cold temperatures.',
      'Slice a loaf you will not finish and freeze it, then toast slices straight from the freezer.',
      'A bread box keeps humidity steady without trapping so much moisture that mould grows.',
    ],
  },
  {
    prompts: ['How do I get better sleep?', 'What helps me fall asleep faster?'],
    short: ['Go to bed at the same time every night.', 'Put your phone away an hour before bed.'],
    detail: [
      'Keep a regular schedule, even at weekends, so your body clock knows when to wind down.',
      'Dim the lights and avoid bright screens in the last hour, since light delays melatonin.',
      'Keep the bedroom cool, dark and quiet, and save the bed for sleeping.',
      'Avoid caffeine after lunch and heavy meals late in the evening.',
    ],
  },
  {
    prompts: ['How do I clean a cast iron pan?', 'What is the right way to wash a cast iron skillet?'],
    short: ['Rinse it with hot water and dry it at once.', 'Scrub with salt, then oil it lightly.'],
    detail: [
      'Wash it while it is still warm with hot water and a stiff brush; a little soap is fine.',
      'For stuck food, scrub with coarse salt and a splash of oil, then rinse.',
      'Dry it completely on the hob over low heat so no water is left to cause rust.',
      'Rub a thin film of oil over the surface before putting it away to protect the seasoning.',
    ],
  },
  {
    prompts: ['How can I save money on groceries?', 'Any advice for spending less at the supermarket?'],
    short: ['Make a list and stick to it.', 'Plan your meals for the week.'],
    detail: [
      'Plan the week’s meals first, then write a list from them so you buy only what you will cook.',
      'Compare prices per kilo rather than per pack, since bigger packs are not always cheaper.',
      'Own-brand staples such as rice, oats and tinned tomatoes usually match the big brands.',
      'Cook larger batches and freeze portions, which cuts waste and takeaway temptations.',
    ],
  },
  {
    prompts: ['How do I start running?', 'What is a good way to begin jogging?'],
    short: ['Start slowly and run three times a week.', 'Mix walking and running at first.'],
    detail: [
      'Begin with intervals, such as one minute of running and two of walking, for about twenty minutes.',
      'Run three times a week with rest days in between so your joints and tendons can adapt.',
      'Increase your total time by no more than about ten percent a week.',
      'Go at a pace where you can still talk; speed comes later, once the habit is built.',
    ],
  },
  {
    prompts: ['How do I look after a houseplant?', 'What does a houseplant need to stay healthy?'],
    short: ['Water it when the soil feels dry.', 'Give it bright, indirect light.'],
    detail: [
      'Most houseplants die from too much water, so wait until the top few centimetres of soil are dry.',
      'Bright but indirect light suits most species; harsh midday sun can scorch the leaves.',
      'Use a pot with drainage holes so the roots never sit in water.',
      'Feed it lightly during spring and summer, and not at all in winter.',
    ],
  },
  {
    prompts: ['How can I learn a new language?', 'What is the best way to pick up a foreign language?'],
    short: ['Practise a little every day.', 'Talk with native speakers as early as you can.'],
    detail: [
      'Short daily practice beats a long weekly session, because memory depends on repetition.',
      'Learn the most common few hundred words first; they cover most everyday conversation.',
      'Speak from the start, even badly, with a tutor or an exchange partner.',
      'Listen to podcasts or shows in the language to tune your ear to its rhythm.',
    ],
  },
  {
    prompts: ['How do I make good coffee at home?', 'Tips for brewing better coffee?'],
    short: ['Use freshly ground beans.', 'Use water just off the boil.'],
    detail: [
      'Buy whole beans and grind them just before brewing, since ground coffee goes stale within days.',
      'Use about sixty grams of coffee per litre of water as a starting ratio, then adjust to taste.',
      'Water just off the boil, around ninety-four degrees, extracts flavour without scorching it.',
      'Clean your equipment often, because old oils make coffee taste bitter.',
    ],
  },
  {
    prompts: ['How do I stop procrastinating?', 'How can I get started on tasks I keep putting off?'],
    short: ['Start with five minutes.', 'Break the task into small steps.'],
    detail: [
      'Commit to just five minutes; starting is the hardest part, and momentum usually carries you on.',
      'Split the task into concrete next actions, so you always know exactly what to do first.',
      'Remove distractions such as notifications before you begin.',
      'Reward yourself when a step is done, which makes the next start easier.',
    ],
  },
  {
    prompts: ['How do I remove a red wine stain?', 'What gets red wine out of a carpet?'],
    short: ['Blot it and pour on cold water.', 'Cover it with salt straight away.'],
    detail: [
      'Blot, do not rub, with a clean cloth to lift as much wine as possible.',
      'Pour a little cold water on the stain to dilute it, then blot again.',
      'A paste of baking soda and water, left to dry and then vacuumed, pulls out what remains.',
      'Avoid hot water, which can set the stain into the fibres.',
    ],
  },
  {
    prompts: ['How do I prepare for a job interview?', 'What should I do before an interview?'],
    short: ['Research the company.', 'Practise answers out loud.'],
    detail: [
      'Read about the company, its products and recent news, so you can say why you want to work there.',
      'Prepare short stories about your past work that show the skills the job asks for.',
      'Practise answering common questions out loud, ideally with a friend.',
      'Prepare two or three thoughtful questions of your own to ask at the end.',
    ],
  },
  {
    prompts: ['How do I keep my laptop battery healthy?', 'What makes a laptop battery last longer?'],
    short: ['Avoid keeping it at full charge.', 'Keep it away from heat.'],
    detail: [
      'Lithium batteries age fastest when kept at full charge, so many laptops can cap charging at eighty percent.',
      'Heat is the biggest enemy, so do not leave the laptop on soft bedding or in a hot car.',
      'Occasional full discharges are unnecessary; shallow cycles are gentler on the cells.',
      'If you store it for weeks, leave it about half charged.',
    ],
  },
  {
    prompts: ['How do I cook rice properly?', 'What is the secret to fluffy rice?'],
    short: ['Rinse it and use less water.', 'Let it rest before serving.'],
    detail: [
      'Rinse the rice until the water runs clear to remove surface starch that makes it sticky.',
      'For long-grain rice, about one and a half cups of water per cup of rice is usually right.',
      'Simmer with the lid on over very low heat and do not stir.',
      'Let it rest, covered, for ten minutes off the heat, then fluff it with a fork.',
    ],
  },
  {
    prompts: ['How can I reduce stress?', 'What are good ways to deal with stress?'],
    short: ['Take a walk outside.', 'Breathe slowly for a minute.'],
    detail: [
      'Regular exercise, even a brisk daily walk, lowers stress hormones over time.',
      'Slow breathing, such as four seconds in and six out, calms the nervous system within minutes.',
      'Write down what is worrying you and the next step for each, which makes problems feel smaller.',
      'Protect your sleep, since tiredness makes everything feel more stressful.',
    ],
  },
  {
    prompts: ['How do I paint a room?', 'Any tips for painting walls myself?'],
    short: ['Use tape and two thin coats.', 'Cut in the edges first.'],
    detail: [
      'Clean the walls, fill any holes and sand the filler smooth before you start.',
      'Mask skirting boards and switches with painter’s tape and cover the floor.',
      'Cut in along the edges with a brush, then roll the large areas while the edges are still wet.',
      'Two thin coats give a more even finish than one thick coat.',
    ],
  },
  {
    prompts: ['How do I make my phone battery last all day?', 'How can I save battery on my phone?'],
    short: ['Lower the screen brightness.', 'Turn on battery saver.'],
    detail: [
      'The screen uses the most power, so lower the brightness or let it adjust automatically.',
      'Check which apps use the most battery in settings and limit their background activity.',
      'Turn off location services for apps that do not need them.',
      'Battery saver mode trims background work and is worth enabling in the afternoon.',
    ],
  },
  {
    prompts: ['How do I write a good email?', 'How can I make my emails clearer?'],
    short: ['Put the request in the first line.', 'Keep it short.'],
    detail: [
      'Say what you need in the first sentence, so the reader knows why the email matters.',
      'Use a subject line that summarises the request, not just the topic.',
      'Keep paragraphs short and put any questions on their own lines.',
      'Reread it once before sending, checking names, dates and attachments.',
    ],
  },
  {
    prompts: ['How do I get rid of fruit flies?', 'What traps work for fruit flies?'],
    short: ['Set out a cup of cider vinegar.', 'Take out the compost.'],
    detail: [
      'Remove what attracts them: overripe fruit, open bottles and the compost caddy.',
      'A jar of cider vinegar with a drop of washing-up liquid traps them, since the soap breaks the surface.',
      'Cover the jar with cling film pierced with a few small holes so they cannot fly out.',
      'Clean the sink drain, where they often breed unnoticed.',
    ],
  },
  {
    prompts: ['How do I choose a good watermelon?', 'How can I tell if a watermelon is ripe?'],
    short: ['Look for a yellow field spot.', 'Pick one that feels heavy.'],
    detail: [
      'Look for a creamy yellow patch where it rested on the ground; a white one means it was picked early.',
      'It should feel heavy for its size, which means it is full of water.',
      'A deep, hollow sound when you tap it is a good sign.',
      'The skin should be dull rather than shiny.',
    ],
  },
  {
    prompts: ['How do I take better photos with my phone?', 'Tips for better smartphone photos?'],
    short: ['Use natural light.', 'Clean the lens first.'],
    detail: [
      'Wipe the lens before shooting; a smudge softens every picture.',
      'Shoot with soft natural light, such as near a window or in the hour before sunset.',
      'Use the grid lines and place your subject on a third rather than in the centre.',
      'Tap to focus and lower the exposure slightly to keep highlights from blowing out.',
    ],
  },
  {
    prompts: ['How do I stay focused while studying?', 'How can I concentrate better when I study?'],
    short: ['Study in short, timed blocks.', 'Put your phone in another room.'],
    detail: [
      'Work in blocks of about twenty-five minutes with short breaks, which keeps attention fresh.',
      'Put your phone in another room; even a silent phone on the desk pulls attention.',
      'Test yourself instead of rereading, since recall strengthens memory more.',
      'Decide before each block exactly what you will finish.',
    ],
  },
  {
    prompts: ['How do I defrost a freezer?', 'What is the quickest way to defrost my freezer?'],
    short: ['Unplug it and put in bowls of hot water.', 'Let it melt with the door open.'],
    detail: [
      'Move the food into a cool box or a friend’s freezer and unplug the appliance.',
      'Put towels on the floor and bowls of hot water inside, closing the door to trap the steam.',
      'Scrape loose ice gently with a plastic spatula, never a knife.',
      'Dry it fully before switching it back on, then wait until it is cold before restocking.',
    ],
  },
  {
    prompts: ['How do I pack a suitcase efficiently?', 'How can I fit more in my luggage?'],
    short: ['Roll your clothes.', 'Pack only what you will wear.'],
    detail: [
      'Roll soft clothes instead of folding them; they take less room and crease less.',
      'Put shoes at the bottom near the wheels and stuff socks inside them.',
      'Choose clothes in a few colours that mix and match, so fewer items make more outfits.',
      'Packing cubes keep things sorted and compress bulky layers.',
    ],
  },
];

/** One line per (pair, person): TRL fields plus `user_id`, the person who made the choice. */
export function twoTastesPairs() {
  const lines = [];
  TOPICS.forEach((topic, t) => {
    topic.prompts.forEach((prompt, p) => {
      topic.short.forEach((short, s) => {
        for (let variant = 0; variant < 2; variant++) {
          // Three of the four details, a different three for each variant.
          const skip = (p * 2 + s + variant) % topic.detail.length;
          const detailed = topic.detail.filter((_, i) => i !== skip).join(' ');
          const id = `t${t}-p${p}-s${s}-v${variant}`;
          lines.push({ id: `${id}-detail`, prompt, chosen: detailed, rejected: short, user_id: 'detail-lover' });
          lines.push({ id: `${id}-brevity`, prompt, chosen: short, rejected: detailed, user_id: 'brevity-lover' });
        }
      });
    });
  });
  return lines;
}
