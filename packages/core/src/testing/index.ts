export { checkGradients, tensorCountAfter, type GradientCheckOptions, type GradientCheckResult } from './gradient-check.js';
export { checkParameterGradients, type ParameterGradientCheckOptions, type ParameterGradientCheckResult } from './parameter-gradient-check.js';
export {
  type MalformedInputCase,
  type MalformedInputConsumer,
  type MalformedInputOutcome,
  rawSafetensors,
  rawSafetensorsBytes,
  refusalProblems,
  runMalformedInput,
} from './malformed-input.js';
