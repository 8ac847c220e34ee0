// tfjs's Adam with a small memory peak. tf.train.adam updates all variables inside one tidy, so about 14
// temporaries the size of each variable stay alive until the whole step ends: for the 2 × 1M parameters of
// a 1,000-neuron plastic layer that is ~110 MB of wasm heap, which never shrinks again. This subclass does
// the same arithmetic (same ops in the same order, so the same values) one variable and one operation at a
// time, freeing each temporary as soon as the next one exists: at most ~3 of one variable's size at once.
// Moments, their names and (de)serialisation are the parent's, so checkpoints are interchangeable.
//
// It also gives the trainer what tfjs keeps protected: the learning rate (a schedule sets it between steps), and
// the moments by parameter name, read for a checkpoint and restored from one.
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

/** Adam's first and second moments of one parameter. */
export interface AdamMoments {
  m: tf.Tensor;
  v: tf.Tensor;
}

/** beta^n as n − 1 successive float32 products, the way Adam accumulates it step by step. */
function float32Power(beta: number, n: number): number {
  const b = Math.fround(beta);
  let power = b;
  for (let i = 1; i < n; i++) power = Math.fround(power * b);
  return power;
}

export class LeanAdamOptimizer extends tf.AdamOptimizer {
  /** Used from the next step on (a learning-rate schedule calls this between steps). */
  setLearningRate(learningRate: number): void {
    this.learningRate = learningRate;
  }

  /**
   * The moments of each variable, in the order given (that of the gradients at every step); null before the
   * first step, when Adam has not created them yet.
   */
  async moments(variables: readonly tf.Variable[]): Promise<AdamMoments[] | null> {
    if (this.iterations === 0) return null;
    const weights = await this.getWeights();
    // getWeights: [iterations, m_0 … m_{n-1}, v_0 … v_{n-1}].
    return variables.map((_, i) => ({ m: weights[1 + i].tensor, v: weights[1 + variables.length + i].tensor }));
  }

  /** Continues from a checkpoint: `iterations` steps taken, and each variable's moments (same order as `moments`). */
  async restore(iterations: number, variables: readonly tf.Variable[], moments: readonly AdamMoments[]): Promise<void> {
    await this.setWeights([
      { name: 'iter', tensor: tf.scalar(iterations, 'int32') },
      ...variables.map((variable, i) => ({ name: `${variable.name}/m`, tensor: moments[i].m })),
      ...variables.map((variable, i) => ({ name: `${variable.name}/v`, tensor: moments[i].v })),
    ]);
    // setWeights sets β^(t+1) with pow(), but training multiplies by β once per step, and the two can differ in
    // float32's last bit: a resumed run would drift from an uninterrupted one. Redo the products.
    const state = this as unknown as AdamState;
    tf.tidy(() => {
      state.accBeta1.assign(tf.scalar(float32Power(this.beta1, iterations + 1)));
      state.accBeta2.assign(tf.scalar(float32Power(this.beta2, iterations + 1)));
    });
  }

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
