/** Progress events of the training functions (libraries never print; apps render these). */
export type PolicyTrainEvent =
  | { type: 'phase'; phase: string; detail?: string }
  | { type: 'step'; phase: string; step: number; totalSteps: number; metrics: Record<string, number> }
  | { type: 'checkpoint'; phase: string; step: number; dir: string }
  | { type: 'done'; phase: string; metrics: Record<string, number> };

export interface TrainHooks {
  onEvent?: (event: PolicyTrainEvent) => void;
  signal?: AbortSignal;
}
