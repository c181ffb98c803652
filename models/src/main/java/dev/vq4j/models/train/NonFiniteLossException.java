package dev.vq4j.models.train;

/** Training stopped because a loss (or the gradient norm) became NaN or infinite: names the step and the tensor. */
public final class NonFiniteLossException extends ArithmeticException {
    private final int step;
    private final String tensor;

    public NonFiniteLossException(String tensor, float value, int step) {
        super((tensor.equals("grad_norm") ? "gradient norm" : "loss") + " is " + describe(value) + " at step " + step + " (" + tensor + ")");
        this.step = step;
        this.tensor = tensor;
    }

    private static String describe(float v) {
        return Float.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
    }

    public int step() {
        return step;
    }

    public String tensor() {
        return tensor;
    }
}
