export { checkGradients, tensorCountAfter, type GradientCheckOptions, type GradientCheckResult } from './gradient-check.js';
