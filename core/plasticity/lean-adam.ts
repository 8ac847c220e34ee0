// tfjs's Adam with a small memory peak. tf.train.adam updates all variables inside one tidy, so about 14
// temporaries the size of each variable stay alive until the whole step ends: for the 2 × 1M parameters of
// a 1,000-neuron plastic layer that is ~110 MB of wasm heap, which never shrinks again. This subclass does
// the same arithmetic (same ops in the same order, so the same values) one variable and one operation at a
// time, freeing each temporary as soon as the next one exists: at most ~3 of one variable's size at once.
// Moments, their names and (de)serialisation are the parent's, so checkpoints are interchangeable.
import * as tf from '@tensorflow/tfjs';

/** The parent's private state, which this subclass updates exactly as the parent would. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/** f(input), then input is disposed: a chain of these keeps one temporary alive between operations. */
function then(input: tf.Tensor, f: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  const output = f(input);
  input.dispose();
  return output;
}

export class LeanAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const state = this as unknown as AdamState;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const oneMinusAccBeta1 = tf.sub(1, state.accBeta1);
    const oneMinusAccBeta2 = tf.sub(1, state.accBeta2);
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      if (state.accumulatedFirstMoment[i] == null) {
        state.accumulatedFirstMoment[i] = { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      }
      if (state.accumulatedSecondMoment[i] == null) {
        state.accumulatedSecondMoment[i] = { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      }
      const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
      if (gradient == null) return;
      const firstMoment = state.accumulatedFirstMoment[i].variable;
      const secondMoment = state.accumulatedSecondMoment[i].variable;
      // m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
      const newFirstMoment = tf.tidy(() => tf.add(tf.mul(firstMoment, this.beta1), tf.mul(gradient, 1 - this.beta1)));
      firstMoment.assign(newFirstMoment);
      const newSecondMoment = tf.tidy(() => tf.add(tf.mul(secondMoment, this.beta2), then(tf.square(gradient), (g2) => tf.mul(g2, 1 - this.beta2))));
      secondMoment.assign(newSecondMoment);
      // w ← w − lr · m̂ / (√v̂ + ε), with m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ)
      let denominator = then(tf.div(newSecondMoment, oneMinusAccBeta2), tf.sqrt);
      denominator = then(denominator, (d) => tf.add(d, this.epsilon));
      let step = then(tf.div(newFirstMoment, oneMinusAccBeta1), (m) => tf.div(m, denominator));
      denominator.dispose();
      step = then(step, (s) => tf.mul(s, -this.learningRate));
      const newValue = then(step, (s) => tf.add(s, value));
      value.assign(newValue);
      // The variables hold their own references to the new values.
      newValue.dispose();
      newFirstMoment.dispose();
      newSecondMoment.dispose();
    });
    tf.tidy(() => {
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    tf.dispose([oneMinusAccBeta1, oneMinusAccBeta2]);
    this.incrementIterations();
  }
}

/** Like tf.train.adam, with LeanAdamOptimizer's memory peak. */
export function leanAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): LeanAdamOptimizer {
  return new LeanAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
