import * as tf from '@tensorflow/tfjs';

/**
 * Loss value and gradients with respect to named variables, keyed by our dotted names (tfjs keys
 * them by its internal variable names). The caller owns and must dispose the returned tensors.
 */
export function valueAndGradients(
  loss: () => tf.Scalar,
  params: ReadonlyArray<readonly [string, tf.Variable]>,
): { value: tf.Scalar; grads: Map<string, tf.Tensor> } {
  const variables = params.map(([, v]) => v);
  const { value, grads } = tf.variableGrads(loss, variables);
  const byName = new Map<string, tf.Tensor>();
  for (const [name, variable] of params) {
    const g = grads[variable.name];
    if (g) byName.set(name, g);
  }
  return { value, grads: byName };
}

export function disposeGradients(grads: Map<string, tf.Tensor>): void {
  for (const g of grads.values()) g.dispose();
}
