export { runTrainer, TRAINER_COMMANDS } from './program.js';
