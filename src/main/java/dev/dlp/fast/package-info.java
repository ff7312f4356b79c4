/**
 * The fast paths: code of ours that replaces DL4J's passes inside DL4J's own framework, and the one place that
 * decides where it runs.
 *
 * <h2>How it fits together</h2>
 * <ul>
 *   <li>Models are built ({@code dev.dlp.graph.GraphFactory}) and saved with DL4J's configuration classes only.
 *       {@link dev.dlp.fast.FastPaths#install} swaps in our configuration classes (each a subclass of the DL4J
 *       class with the same settings, parameters and updater state layout, marked {@link dev.dlp.fast.FastConfig})
 *       when {@code train.engine} is {@code fast} (the default); with {@code dl4j} nothing is swapped and DL4J's
 *       updater and step run too ({@link dev.dlp.fast.FastPaths#installTraining}).</li>
 *   <li>{@link dev.dlp.fast.ModelFiles} writes model zips and checkpoints in DL4J's format with the fast paths
 *       swapped back out ({@link dev.dlp.fast.FastPaths#stock}), so {@code ModelSerializer.restoreComputationGraph}
 *       loads them without dlp, and reads any of them (and dlp 0.1's, which named {@code dev.dlp.graph.*}
 *       classes) with the fast paths of the chosen engine put back in.</li>
 *   <li>Every layer of ours counts its training passes that took the fast path and those that declined, with
 *       the reason ({@link dev.dlp.fast.PathUse}; one warning per layer and reason);
 *       {@link dev.dlp.fast.EngineReport} writes them, and the reason for each layer left to DL4J, into
 *       summary.json's {@code engine} section.</li>
 * </ul>
 *
 * <h2>The fast paths</h2>
 * <table>
 *   <caption>each fast path, what it replaces, when it stands aside, and its test</caption>
 *   <tr><th>ours</th><th>replaces (DL4J)</th><th>used for</th><th>declines (DL4J's pass runs)</th><th>tested by</th></tr>
 *   <tr><td>{@link dev.dlp.fast.FastDense} / {@link dev.dlp.fast.FastDenseLayer}</td><td>DenseLayer: forward and
 *       backward as two OpenBLAS products and one Java pass; activations kept from the forward pass; no input
 *       gradient when fed by a model input</td><td>dense layers with relu or identity, a bias, no dropout, weight
 *       noise or layer norm</td><td>another backend, non-float data, a mask, a backward pass without its training
 *       forward pass</td><td>FastDenseTest, HeapSimdTest</td></tr>
 *   <tr><td>{@link dev.dlp.fast.SoftmaxOutput}, {@link dev.dlp.fast.SigmoidXentOutput}
 *       ({@link dev.dlp.fast.FusedOutputLayer})</td><td>OutputLayer: activation, loss, gradient and score fused
 *       into one pass (sigmoid + xent's element-wise part on the Vector API in ND4J's memory when
 *       {@link dev.dlp.fast.Simd#AVAILABLE}: exp and log1p of our own, IEEE operations only, so bit-reproducible)</td>
 *       <td>softmax + mcxent, sigmoid + xent, with a bias</td><td>masks, loss weights, another
 *       backend, non-float data</td><td>SoftmaxOutputTest, SigmoidXentOutputTest</td></tr>
 *   <tr><td>{@link dev.dlp.fast.InputConvolution}</td><td>ConvolutionLayer's backward pass: the weight gradient
 *       as one forward convolution, no input gradient (oneDNN's backward-data for one input channel is
 *       pathological); opt-in ({@code -Ddlp.vectorConvGradient=true}): for one input channel and 5-wide kernels
 *       the weight gradient on the Vector API ({@link dev.dlp.fast.SingleChannelConvGradient})</td><td>a
 *       convolution reading a model input</td><td>stride or dilation other than 1,
 *       asymmetric padding, NHWC</td><td>InputConvolutionTest</td></tr>
 *   <tr><td>{@link dev.dlp.fast.NarrowConvolution}</td><td>ConvolutionLayer: sums over kernel taps on a padded,
 *       channel-major copy of the batch, on the Vector API ({@link dev.dlp.fast.VectorTaps}; oneDNN is slow for
 *       few channels and sets up each call anew)</td><td>at most 2 output channels, or at most 16 channels in and
 *       out with a kernel of at most 3x3; identity or ReLU activation</td><td>stride or dilation other than 1,
 *       asymmetric padding, non-float data</td><td>NarrowConvolutionTest</td></tr>
 *   <tr><td>{@link dev.dlp.fast.FastLSTM} / {@link dev.dlp.fast.FastLSTMLayer}</td><td>LSTM's full-sequence
 *       passes: every step's input projection in one product, one recurrent product and one Java pass per step
 *       (gates through {@link dev.dlp.fast.FloatMath}), forward state kept for the backward pass</td><td>
 *       tanh / sigmoid gates, no dropout</td><td>another data format, non-float data, another backend</td>
 *       <td>FastLSTMTest</td></tr>
 *   <tr><td>{@link dev.dlp.fast.FastEmbeddingSequence} / {@link dev.dlp.fast.FastEmbeddingSequenceLayer}</td>
 *       <td>EmbeddingSequenceLayer: the lookup once (kept for the backward pass), gradient rows added in Java</td>
 *       <td>identity activation, NCW output</td><td>another backend, non-float data, dropout</td>
 *       <td>FastEmbeddingSequenceTest</td></tr>
 *   <tr><td>{@link dev.dlp.fast.FastRnnOutput} / {@link dev.dlp.fast.FastRnnOutputLayer}</td><td>RnnOutputLayer:
 *       softmax, loss, gradient and score over every step in one pass, per-step label mask included</td><td>
 *       softmax + mcxent with a bias, NCW</td><td>loss weights, per-output masks, another backend, non-float
 *       data</td><td>FastRnnOutputTest</td></tr>
 *   <tr><td>{@link dev.dlp.fast.FastReLU}</td><td>ActivationReLU's backward pass: step times gradient in one
 *       Vector API pass in ND4J's memory ({@link dev.dlp.fast.NativeSimd#reluBackprop}), else libnd4j's step op
 *       and a product; bit-identical</td><td>plain relu (no max, threshold or slope)</td><td>shape or type
 *       mismatch</td><td>FastReLUTest</td></tr>
 *   <tr><td>{@link dev.dlp.fast.FastMaxPool} / {@link dev.dlp.fast.FastMaxPoolLayer}</td><td>SubsamplingLayer:
 *       max pooling forward and backward on the Vector API in ND4J's memory ({@link dev.dlp.fast.Resample2x2};
 *       the gradient to each window's first maximum, as libnd4j), bit-identical</td><td>max pooling, 2x2 kernel,
 *       stride 2, no padding, NCHW</td><td>odd height or width, non-float data, another backend</td>
 *       <td>FastMaxPoolTest</td></tr>
 *   <tr><td>{@link dev.dlp.fast.FastUpsampling} / {@link dev.dlp.fast.FastUpsamplingLayer}</td><td>Upsampling2D:
 *       nearest upsampling by 2 forward and backward on the Vector API (each block's gradient added in
 *       libnd4j's order), no feed-forward cache copy; bit-identical</td><td>size 2, NCHW, no dropout</td>
 *       <td>non-float data, another backend</td><td>FastUpsamplingTest</td></tr>
 *   <tr><td>{@link dev.dlp.fast.FastAdam} / {@link dev.dlp.fast.FastAdamUpdater}</td><td>Adam's
 *       {@code adam_updater} op, as one Java pass: on the Vector API in ND4J's memory ({@link dev.dlp.fast.NativeSimd},
 *       when {@link dev.dlp.fast.Simd#AVAILABLE}), else a heap loop, bit-identical</td><td>every Adam updater</td>
 *       <td>non-contiguous or non-float state</td><td>FastAdamTest, NativeSimdTest</td></tr>
 *   <tr><td>{@link dev.dlp.fast.GraphUpdater} + {@link dev.dlp.fast.JavaStep}</td><td>ComputationGraphUpdater's
 *       "external gradient" path (views rebuilt every step) and the {@code params -= update} op; one fused pass
 *       when every block is Adam</td><td>training with {@code engine: fast}</td><td>regularisation, gradient
 *       normalisation, other updaters (DL4J's per-block path)</td><td>GraphUpdaterTest</td></tr>
 *   <tr><td>{@link dev.dlp.fast.LeanDescent}</td><td>StochasticGradientDescent's step: the update applied to the
 *       graph's own parameter and gradient arrays, without per-step reshapes and the parameter copy of
 *       {@code setParams}</td><td>training with {@code engine: fast}</td><td>a gradient that is not the graph's own,
 *       a gradients accumulator</td><td>LeanDescentTest</td></tr>
 *   <tr><td>{@link dev.dlp.fast.Workers} + {@link dev.dlp.fast.Lane} ({@code train.workers})</td><td>ComputationGraph's
 *       gradient computation inside DL4J's optimizer: the batch in slices on replicas that view the network's
 *       parameters, gradients summed, DL4J's updater and step once</td><td>{@code train.workers} &gt; 1 (lenet5 and
 *       conv-ae by default), either engine</td><td>truncated BPTT, parameters outside the minibatch division (batch
 *       norm), a batch smaller than the workers</td><td>WorkersTest, FailuresTest</td></tr>
 * </table>
 *
 * <p>Not a fast path but a layer DL4J lacks: {@link dev.dlp.fast.StateLSTM} / {@link dev.dlp.fast.StateLSTMLayer},
 * an LSTM (DL4J's configuration and parameter layout, {@link dev.dlp.fast.FastLSTMLayer}'s passes) that outputs
 * its cell states or its final {@code [h; c]}, or starts from an initial state carried in its input: seq2seq's
 * {@code model.bridge: state}. It has no DL4J class to be saved as, so a model with one needs dlp's classes to
 * load ({@code portable: false}); tested against DL4J's LSTM stepped from {@code rnnSetPreviousState}, its
 * backward pass from that state, and central differences in double precision ({@code StateLSTMTest}).
 *
 * <p>Every test compares the fast path with DL4J's own pass (outputs, gradients, parameters after training) and
 * asserts that the fast path ran; {@code EnginesTest} trains every pipeline with both engines and loads each
 * saved model in a JVM without dlp's classes.
 */
package dev.dlp.fast;
