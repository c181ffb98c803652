package dev.vq4j.autograd.optim;

/** The same learning rate at every step. */
public record ConstantLr(double value) implements LrSchedule {
    public ConstantLr {
        if (!(value >= 0)) throw new IllegalArgumentException("ConstantLr: invalid learning rate " + value);
    }

    @Override
    public double lr(int step) {
        return value;
    }
}
