// Conv2d as one op on the native kernel (core/native): convolution, bias and activation forward, and all of
// their gradients backward, straight on the tensors' memory. It replaces the JavaScript window layout, the
// backend's matrix products and the epilogue (image-columns.ts, matmul.ts, conv-epilogue.ts) where the
// addon is built and the layer is one it covers: "valid" padding and tanh, relu or no activation.
import type * as tfjs from '@tensorflow/tfjs';
import type { NativeConvShape, NativeKernels } from '../native/kernels.ts';
import { tensorFilledBy, tensorsFilledBy, tensorValues } from '../util/tensor-io.ts';
import { type ColumnGeometry, windowsLeaveImage } from './image-columns.ts';
import type { ConvActivation } from './conv-epilogue.ts';

const activationCodes: Partial<Record<ConvActivation, NativeConvShape['activation']>> = { linear: 0, tanh: 1, relu: 2 };

/** Whether the native op covers a layer of this geometry and activation. */
export function nativeConvCovers(g: ColumnGeometry, activation: ConvActivation): boolean {
  return activationCodes[activation] !== undefined && !windowsLeaveImage(g);
}

type ConvOp = (images: tfjs.Tensor4D, kernel: tfjs.Tensor4D, bias?: tfjs.Tensor1D) => tfjs.Tensor4D;

/** images [N, C, H, W], kernel [k, k, C, F], bias [F]? → act(conv + bias) [N, F, OH, OW], differentiable in all three. */
/** `imagesNeedGradient` false: the images are data, and their gradient is returned as zeros without being computed. */
export function nativeConvOp(
  tf: typeof tfjs,
  native: NativeKernels,
  g: ColumnGeometry,
  filters: number,
  activation: ConvActivation,
  withBias: boolean,
  imagesNeedGradient = true,
): ConvOp {
  const code = activationCodes[activation];
  if (code === undefined || !nativeConvCovers(g, activation)) throw new Error(`the native convolution does not cover ${activation} with this padding`);
  const shapeFor = (images: number): NativeConvShape => ({
    images,
    channels: g.channels,
    height: g.height,
    width: g.width,
    filters,
    kernelSize: g.kernelSize,
    stride: g.stride,
    outHeight: g.outHeight,
    outWidth: g.outWidth,
    activation: code,
  });
  const op = tf.customGrad((...args: (tfjs.Tensor | tfjs.GradSaveFunc)[]) => {
    const [images, kernel] = args as tfjs.Tensor[];
    const bias = withBias ? (args[2] as tfjs.Tensor) : null;
    const save = args[withBias ? 3 : 2] as tfjs.GradSaveFunc;
    const shape = shapeFor(images.shape[0]);
    // Views of tensor memory are taken inside each fill, where no other tfjs op can move the heap.
    const output = tensorFilledBy<tfjs.Rank.R4>(tf, [shape.images, filters, g.outHeight, g.outWidth], (out) =>
      native.conv2dForward(shape, tensorValues(tf, images), tensorValues(tf, kernel), bias ? tensorValues(tf, bias) : null, out),
    );
    save([images, kernel, output]);
    return {
      value: output,
      gradFunc: (dy: tfjs.Tensor, saved: tfjs.Tensor[]) => {
        const [savedImages, savedKernel, savedOutput] = saved;
        // Images that are data get zeros (no parameter is upstream to use them), not the input gradient's work.
        const shapes = [...(imagesNeedGradient ? [savedImages.shape] : []), savedKernel.shape, ...(withBias ? [[filters]] : [])];
        const gradients = tensorsFilledBy(tf, shapes, (views) => {
          const [dImages, dKernel, dBias]: (Float32Array | null)[] = imagesNeedGradient ? views : [null, ...views];
          native.conv2dBackward(
            shape,
            tensorValues(tf, savedImages),
            tensorValues(tf, savedKernel),
            tensorValues(tf, savedOutput),
            tensorValues(tf, dy),
            dImages,
            dKernel!,
            dBias ?? null,
          );
        });
        return imagesNeedGradient ? gradients : [tf.zerosLike(savedImages), ...gradients];
      },
    };
  });
  return (images, kernel, bias) => (withBias ? op(images, kernel, bias!) : op(images, kernel)) as tfjs.Tensor4D;
}
