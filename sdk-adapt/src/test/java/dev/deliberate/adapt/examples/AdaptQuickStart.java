package dev.deliberate.adapt.examples;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.deliberate.adapt.model.DecoderModel;
import dev.deliberate.adapt.model.ForwardMode;
import dev.deliberate.adapt.model.LoraConfig;
import dev.deliberate.adapt.model.Trainable;
import java.nio.file.Path;

/** Load a GGUF model, add a LoRA adapter and take one gradient step: {@code java AdaptQuickStart MODEL.gguf}. */
public class AdaptQuickStart {

    public static void main(String[] args) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                DecoderModel model = DecoderModel.load(Path.of(args[0]), root)) {   // weights dequantized to F32
            model.addLora(LoraConfig.attention(8), 42);                            // q, k, v, o; B = 0
            model.setTrainable(Trainable.LORA);                                    // base weights frozen
            long[] tokens = {1, 15, 27, 99, 3, 64};
            int n = tokens.length - 1;
            try (NDManager step = root.newSubManager()) {                          // frees the step's arrays
                NDArray all = step.create(tokens);
                NDArray input = all.get("0:" + n).reshape(1, n);                   // predict each next token
                NDArray target = all.get("1:").oneHot(model.config().vocabularySize());
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logp = model.logits(input, ForwardMode.TRAINING).logSoftmax(-1).reshape(n, -1);
                    NDArray loss = logp.mul(target).sum().neg().div(n);
                    gc.backward(loss);
                    System.out.printf("loss %.4f over %d tokens%n", loss.getFloat(), n);
                }
                for (NDArray p : model.trainableParameters().values()) {
                    p.subi(p.getGradient().mul(1e-3f));                           // plain SGD
                }
            }
        }
    }
}
