package dev.vq4j.autograd.optim;

import dev.vq4j.autograd.Tensor;

import java.util.Collection;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter 2019), as torch.optim.AdamW 1.13: before
 * the Adam update, p = p·(1 - lr·wd); the gradient is left alone. Default weight decay 0.01.
 */
public class AdamW extends Adam {
    public AdamW(Collection<Tensor> params, double lr) {
        super(params, lr);
        weightDecay(0.01);
    }

    @Override
    protected boolean decoupledWeightDecay() {
        return true;
    }
}
