package dev.vq4j.autograd.optim;

import dev.vq4j.autograd.Elementwise;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.DType;

import java.util.Collection;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015) with L2 weight decay and optional AMSGrad (Reddi et al. 2018), exactly
 * as torch.optim.Adam 1.13 (single-tensor path), at step t:
 * <pre>
 *   g = g + wd·p                                   (L2; AdamW decays p instead, see {@link AdamW})
 *   m = β1·m + (1 - β1)·g
 *   v = β2·v + (1 - β2)·g²                         (AMSGrad: v̂ = max(v̂, v), used below for v)
 *   denom = sqrt(v) / sqrt(1 - β2^t) + eps
 *   p = p - (lr / (1 - β1^t))·m / denom
 * </pre>
 * State per parameter: exp_avg (m), exp_avg_sq (v), max_exp_avg_sq (v̂, AMSGrad only) and the step.
 */
public class Adam extends Optimizer {
    private double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay;
    private boolean amsgrad;

    public Adam(Collection<Tensor> params, double lr) {
        super(params, lr);
    }

    public Adam betas(double beta1, double beta2) {
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException(name() + ": invalid beta parameter at index 0: " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException(name() + ": invalid beta parameter at index 1: " + beta2);
        this.beta1 = beta1;
        this.beta2 = beta2;
        return this;
    }

    public Adam eps(double eps) {
        if (!(eps >= 0)) throw new IllegalArgumentException(name() + ": invalid epsilon value: " + eps);
        this.eps = eps;
        return this;
    }

    public Adam weightDecay(double weightDecay) {
        if (!(weightDecay >= 0)) throw new IllegalArgumentException(name() + ": invalid weight_decay value: " + weightDecay);
        this.weightDecay = weightDecay;
        return this;
    }

    public Adam amsgrad(boolean amsgrad) {
        this.amsgrad = amsgrad;
        return this;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** True for AdamW: weight decay shrinks the parameter instead of adding to the gradient. */
    protected boolean decoupledWeightDecay() {
        return false;
    }

    @Override
    protected List<String> stateNames() {
        return List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq");
    }

    @Override
    protected Tensor update(Tensor p, Tensor grad, ParamState s) {
        if (fusable(p, grad, s)) return fusedUpdate(p, grad, s);
        Tensor g = grad;
        if (weightDecay != 0) {
            if (decoupledWeightDecay()) p = p.mul((float) (1 - lr() * weightDecay));
            else g = g.add(p.mul((float) weightDecay));
        }
        Tensor m = s.get("exp_avg"), v = s.get("exp_avg_sq");
        if (m == null) m = Tensor.zerosLike(p);
        if (v == null) v = Tensor.zerosLike(p);
        m = m.mul((float) beta1).add(g.mul((float) (1 - beta1)));
        v = v.mul((float) beta2).add(g.mul(g).mul((float) (1 - beta2)));
        s.put("exp_avg", m);
        s.put("exp_avg_sq", v);
        double biasCorrection1 = 1 - Math.pow(beta1, s.step());
        double biasCorrection2 = 1 - Math.pow(beta2, s.step());
        double stepSize = lr() / biasCorrection1;
        Tensor second = v;
        if (amsgrad) {
            Tensor vMax = s.get("max_exp_avg_sq");
            second = vMax == null ? v.clone() : Elementwise.maximum(vMax, v);
            s.put("max_exp_avg_sq", second);
        }
        Tensor denom = second.sqrt().div(Tensor.scalar(p.device(), (float) Math.sqrt(biasCorrection2))).add((float) eps);
        return p.add(m.div(denom).mul((float) -stepSize));
    }

    /** The backend's one-pass kernel applies: contiguous float32 tensors on one device (the usual case). */
    private boolean fusable(Tensor p, Tensor grad, ParamState s) {
        for (Tensor t : new Tensor[] {p, grad, s.get("exp_avg"), s.get("exp_avg_sq"), s.get("max_exp_avg_sq")})
            if (t != null && (!t.isContiguous() || t.dtype() != DType.FLOAT32 || !t.device().equals(p.device()))) return false;
        return true;
    }

    /** The same update as {@link #update}'s composite form, in one pass over p, grad and the state ({@link dev.vq4j.core.Backend#adamStep}). */
    private Tensor fusedUpdate(Tensor p, Tensor grad, ParamState s) {
        for (String name : amsgrad ? List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq") : List.of("exp_avg", "exp_avg_sq"))
            if (s.get(name) == null) s.put(name, Tensor.zerosLike(p));
        double biasCorrection1 = 1 - Math.pow(beta1, s.step());
        double biasCorrection2 = 1 - Math.pow(beta2, s.step());
        Tensor vMax = amsgrad ? s.get("max_exp_avg_sq") : null;
        p.backend().adamStep(p.kernelView(), grad.kernelView(), s.get("exp_avg").kernelView(), s.get("exp_avg_sq").kernelView(),
                vMax == null ? null : vMax.kernelView(), lr(), beta1, beta2, eps, weightDecay,
                decoupledWeightDecay(), lr() / biasCorrection1, Math.sqrt(biasCorrection2));
        return p;
    }
}
