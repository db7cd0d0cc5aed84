// What the page shows: five pairs to choose between and ten fresh answers to rank. None of these
// questions is in the run's training data (scripts/two-tastes.mjs). `style` is what the test reads
// to check that a ranking follows the choices; the page never shows it.

export type AnswerStyle = 'detailed' | 'brief';

/** A paragraph written one sentence per line. */
function sentences(...parts: string[]): string {
  return parts.join(' ');
}

export interface ChoicePair {
  prompt: string;
  answers: [{ text: string; style: AnswerStyle }, { text: string; style: AnswerStyle }];
}

export const CHOICE_PAIRS: ChoicePair[] = [
  {
    prompt: 'How do I keep my knives sharp?',
    answers: [
      { text: 'Hone them often.', style: 'brief' },
      {
        text: sentences(
          'Run the blade along a honing steel every few uses to straighten the edge.',
          'Sharpen on a whetstone a few times a year, holding a steady angle of about fifteen to twenty degrees.',
          'Wash them by hand and store them in a block so the edges never knock against other metal.',
        ),
        style: 'detailed',
      },
    ],
  },
  {
    prompt: 'How can I drink more water during the day?',
    answers: [
      {
        text: sentences(
          'Keep a refillable bottle on your desk so water is always within reach.',
          'Drink a glass with every meal and one as soon as you wake up.',
          'If plain water bores you, add slices of lemon or cucumber, and use an app or alarms to remind you until it becomes a habit.',
        ),
        style: 'detailed',
      },
      { text: 'Carry a water bottle.', style: 'brief' },
    ],
  },
  {
    prompt: 'How do I stop my glasses from fogging up?',
    answers: [
      { text: 'Use an anti-fog spray.', style: 'brief' },
      {
        text: sentences(
          'Fog forms when warm breath meets cold lenses, so stop the air escaping upwards: pinch a mask firmly over your nose.',
          'Wash the lenses with a drop of washing-up liquid and let them air dry, which leaves a thin film that keeps droplets from forming.',
          'Anti-fog wipes or sprays do the same for longer.',
        ),
        style: 'detailed',
      },
    ],
  },
  {
    prompt: 'How should I store potatoes?',
    answers: [
      {
        text: sentences(
          'Keep them somewhere cool, dark and dry, such as a cupboard or a paper bag in the pantry.',
          'Light turns them green and the fridge turns their starch to sugar.',
          'Store them away from onions, which release gases that make potatoes sprout sooner.',
        ),
        style: 'detailed',
      },
      { text: 'In a cool, dark cupboard.', style: 'brief' },
    ],
  },
  {
    prompt: 'How do I make a plant cutting root?',
    answers: [
      { text: 'Put it in a glass of water.', style: 'brief' },
      {
        text: sentences(
          'Cut a healthy stem just below a leaf node, about ten centimetres long, and remove the lower leaves.',
          'Stand it in a glass of water or a pot of damp compost in bright, indirect light.',
          'Change the water every few days; roots usually appear within two to four weeks.',
        ),
        style: 'detailed',
      },
    ],
  },
];

export const FRESH_PROMPT = 'How can I keep my home cool in a heatwave?';

export const FRESH_ANSWERS: { text: string; style: AnswerStyle }[] = [
  { text: 'Close the curtains during the day.', style: 'brief' },
  {
    text: sentences(
      'Keep curtains and blinds closed on the sunny side of the house during the day, since most heat enters through windows.',
      'Open windows at night and early in the morning, when the air outside is cooler, to flush out the warm air.',
    ),
    style: 'detailed',
  },
  { text: 'Run a fan at night.', style: 'brief' },
  {
    text: sentences(
      'Place a bowl of ice in front of a fan for a simple cooling breeze.',
      'Switch off lights and electronics you are not using, because they give off heat, and cook with the microwave or outdoors rather than the oven.',
    ),
    style: 'detailed',
  },
  { text: 'Open windows after dark.', style: 'brief' },
  {
    text: sentences(
      'Hang a damp sheet in front of an open window so the incoming air is cooled as the water evaporates.',
      'Sleep on cotton sheets, keep a cool shower for just before bed, and spend the hottest afternoon hours in the lowest room of the house.',
    ),
    style: 'detailed',
  },
  { text: 'Switch off the oven.', style: 'brief' },
  {
    text: sentences(
      'Reflective film or white blinds on south-facing windows bounce sunlight back before it warms the room.',
      'Outside, shade from awnings or plants works even better, because it stops the glass itself from heating up.',
    ),
    style: 'detailed',
  },
  { text: 'Use light cotton bedding.', style: 'brief' },
  {
    text: sentences(
      'Create a cross breeze by opening windows on opposite sides of the home, and place a fan facing outwards in one of them to push hot air out.',
      'Drink plenty of water, and check on elderly neighbours, who are most at risk in a heatwave.',
    ),
    style: 'detailed',
  },
];
