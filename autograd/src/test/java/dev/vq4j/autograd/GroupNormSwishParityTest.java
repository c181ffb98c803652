package dev.vq4j.autograd;

import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.autograd.oracle.GradCheck;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static dev.vq4j.autograd.oracle.Input.randn;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused silu(group_norm(x)) against PyTorch's F.silu(F.group_norm(...)): forward, input and affine gradients. */
class GroupNormSwishParityTest extends TorchParityTest {
    private OpCheck op(String name) {
        return torch.check(name).tol(OpCheck.REDUCTION);
    }

    @Test
    void affine4d() {
        op("group_norm_swish.4d").python("F.silu(F.group_norm(x0, 4, x1, x2, 1e-6))")
                .java(x -> Normalization.groupNormSwish(x[0], 4, x[1], x[2], 1e-6f))
                .inputs(randn(2, 8, 5, 7), randn(8), randn(8)).run();
    }

    /** Non-contiguous input (H and W swapped), one group per channel, odd sizes. */
    @Test
    void transposedInput() {
        op("group_norm_swish.t").python("F.silu(F.group_norm(x0.transpose(2, 3), 3, x1, x2, 1e-5))")
                .java(x -> Normalization.groupNormSwish(x[0].transpose(2, 3), 3, x[1], x[2], 1e-5f))
                .inputs(randn(3, 3, 9, 4), randn(3), randn(3)).run();
    }

    @Test
    void noAffine3d() {
        op("group_norm_swish.3d").python("F.silu(F.group_norm(x0 * 2 - 1, 2, None, None, 1e-6))")
                .java(x -> Normalization.groupNormSwish(x[0].mul(2f).sub(1f), 2, null, null, 1e-6f))
                .inputs(randn(2, 6, 37)).run();
    }

    /** A VQGAN-sized block: 32 groups, 64 channels at 16 x 16. */
    @Test
    void vqganShape() {
        op("group_norm_swish.vqgan").python("F.silu(F.group_norm(x0, 32, x1, x2, 1e-6))")
                .java(x -> Normalization.groupNormSwish(x[0], 32, x[1], x[2], 1e-6f))
                .inputs(randn(2, 64, 16, 16), randn(64), randn(64)).run();
    }

    @Test
    void gradCheck() {
        Rng rng = new Rng(41);
        GradCheck.check("group_norm_swish", x -> Normalization.groupNormSwish(x[0], 2, x[1], x[2], 1e-5f), 1,
                Tensor.randn(rng, 2, 4, 3, 2), Tensor.randn(rng, 4), Tensor.randn(rng, 4));
    }

    @Test
    void errors() {
        var e = assertThrows(IllegalArgumentException.class, () -> Normalization.groupNormSwish(Tensor.zeros(2, 6, 4), 4, null, null, 1e-5f));
        assertTrue(e.getMessage().contains("group_norm_swish") && e.getMessage().contains("[2, 6, 4]") && e.getMessage().contains("num_groups=4"), e.getMessage());
    }
}
