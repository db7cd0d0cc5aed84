export { runEvaluation, EVALUATION_COMMANDS } from './program.js';
