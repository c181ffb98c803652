package dev.vq4j.autograd.oracle;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.io.TensorData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Strings computed by PyTorch (a model's state_dict keys, its repr), for comparisons that are not
 * about numbers. The Python expression must evaluate to a str; it travels back as code points.
 */
public final class TorchText {
    private TorchText() {}

    public static String eval(TorchOracle oracle, String pythonStringExpression) {
        return eval(oracle, pythonStringExpression, new Tensor[0]);
    }

    /** As {@link #eval(TorchOracle, String)}, with {@code inputs} copied to PyTorch as x0, x1, ... (contiguous, on the CPU). */
    public static String eval(TorchOracle oracle, String pythonStringExpression, Tensor... inputs) {
        String expr = "torch.tensor([-1] + [ord(c) for c in (" + pythonStringExpression + ")], dtype=torch.int64)";
        try {
            Map<String, TensorData> out = oracle.evaluate(expr, List.of(inputs), null, List.of());
            long[] codes = Tensor.fromData(out.get("out")).toLongArray();
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < codes.length; i++) sb.appendCodePoint((int) codes[i]);
            return sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
