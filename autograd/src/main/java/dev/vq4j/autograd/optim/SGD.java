package dev.vq4j.autograd.optim;

import dev.vq4j.autograd.Tensor;

import java.util.Collection;
import java.util.List;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
 * decay, as torch.optim.SGD (1.13):
 * <pre>
 *   d = g + wd·p
 *   buf = d on the first step, else momentum·buf + (1 - dampening)·d
 *   d = nesterov ? d + momentum·buf : buf          (when momentum ≠ 0)
 *   p = p - lr·d
 * </pre>
 */
public class SGD extends Optimizer {
    private double momentum, dampening, weightDecay;
    private boolean nesterov;

    public SGD(Collection<Tensor> params, double lr) {
        super(params, lr);
    }

    public SGD momentum(double momentum) {
        if (!(momentum >= 0)) throw new IllegalArgumentException("SGD: invalid momentum value: " + momentum);
        this.momentum = momentum;
        return this;
    }

    public SGD dampening(double dampening) {
        this.dampening = dampening;
        return this;
    }

    public SGD weightDecay(double weightDecay) {
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("SGD: invalid weight_decay value: " + weightDecay);
        this.weightDecay = weightDecay;
        return this;
    }

    public SGD nesterov(boolean nesterov) {
        this.nesterov = nesterov;
        return this;
    }

    @Override
    protected List<String> stateNames() {
        return List.of("momentum_buffer");
    }

    @Override
    protected void checkOptions() {
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new IllegalStateException("SGD: Nesterov momentum requires a momentum and zero dampening");
    }

    @Override
    protected Tensor update(Tensor p, Tensor grad, ParamState s) {
        Tensor d = weightDecay != 0 ? grad.add(p.mul((float) weightDecay)) : grad;
        if (momentum != 0) {
            Tensor buf = s.get("momentum_buffer");
            buf = buf == null ? d.clone() : buf.mul((float) momentum).add(d.mul((float) (1 - dampening)));
            s.put("momentum_buffer", buf);
            d = nesterov ? d.add(buf.mul((float) momentum)) : buf;
        }
        return p.add(d.mul((float) -lr()));
    }
}
