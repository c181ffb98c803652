package dev.vq4j.autograd;

import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.autograd.oracle.GradCheck;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static dev.vq4j.autograd.oracle.Input.randn;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** scaled_dot_product_attention against PyTorch's explicit softmax(q k^T / sqrt(d)) v, forward and all three gradients. */
class AttentionParityTest extends TorchParityTest {
    /** The explicit formula in PyTorch 1.13 (no fused SDPA there); the causal mask hides keys j > i. */
    private static String explicit(String q, boolean causal) {
        String scores = "(" + q + " @ x1.transpose(-1, -2) / math.sqrt(x1.shape[-1]))";
        if (causal) scores += ".masked_fill(torch.ones(" + q + ".shape[-2], x1.shape[-2], dtype=torch.bool).triu(1), float('-inf'))";
        return "torch.softmax(" + scores + ", -1) @ x2";
    }

    private void check(String name, boolean causal, int[] q, int[] k, int[] v) {
        torch.check("sdpa." + name).tol(OpCheck.REDUCTION).python(explicit("x0", causal))
                .java(x -> Attention.scaledDotProductAttention(x[0], x[1], x[2], causal))
                .inputs(randn(q), randn(k), randn(v)).run();
    }

    @Test
    void singleHead() {
        check("3d", false, new int[] {2, 7, 5}, new int[] {2, 7, 5}, new int[] {2, 7, 5});
        check("3d.causal", true, new int[] {2, 9, 3}, new int[] {2, 9, 3}, new int[] {2, 9, 6});
    }

    @Test
    void multiHead() {
        check("4d", false, new int[] {2, 3, 11, 8}, new int[] {2, 3, 11, 8}, new int[] {2, 3, 11, 8});
        check("4d.causal", true, new int[] {1, 4, 13, 7}, new int[] {1, 4, 13, 7}, new int[] {1, 4, 13, 7});
    }

    /** Lq != Lk both ways, odd head sizes, value size != key size, and lengths beyond one 64-wide tile. */
    @Test
    void differentLengths() {
        check("lq<lk", false, new int[] {2, 2, 5, 9}, new int[] {2, 2, 17, 9}, new int[] {2, 2, 17, 3});
        check("lq>lk.causal", true, new int[] {1, 2, 19, 5}, new int[] {1, 2, 6, 5}, new int[] {1, 2, 6, 5});
        check("tiles.causal", true, new int[] {1, 1, 131, 33}, new int[] {1, 1, 70, 33}, new int[] {1, 1, 70, 17});
    }

    /** q arrives as the transpose of [B, L, H, d] storage, the layout a projection produces. */
    @Test
    void nonContiguousQuery() {
        for (boolean causal : new boolean[] {false, true}) {
            String q = "x0.transpose(1, 2)";
            torch.check("sdpa.transposed" + (causal ? ".causal" : "")).tol(OpCheck.REDUCTION).python(explicit(q, causal))
                    .java(x -> Attention.scaledDotProductAttention(x[0].transpose(1, 2), x[1], x[2], causal))
                    .inputs(randn(2, 10, 3, 6), randn(2, 3, 12, 6), randn(2, 3, 12, 6)).run();
        }
    }

    @Test
    void gradCheck() {
        Rng rng = new Rng(31);
        GradCheck.check("sdpa", x -> Attention.scaledDotProductAttention(x[0], x[1], x[2], false), 1,
                Tensor.randn(rng, 1, 2, 4, 3), Tensor.randn(rng, 1, 2, 5, 3), Tensor.randn(rng, 1, 2, 5, 2));
        GradCheck.check("sdpa.causal", x -> Attention.scaledDotProductAttention(x[0], x[1], x[2], true), 2,
                Tensor.randn(rng, 2, 6, 3), Tensor.randn(rng, 2, 6, 3), Tensor.randn(rng, 2, 6, 3));
    }

    @Test
    void errors() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProductAttention(Tensor.zeros(2, 3, 4, 8), Tensor.zeros(2, 3, 5, 6), Tensor.zeros(2, 3, 5, 6), false));
        assertTrue(e.getMessage().contains("scaled_dot_product_attention") && e.getMessage().contains("[2, 3, 4, 8]")
                && e.getMessage().contains("[2, 3, 5, 6]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProductAttention(Tensor.zeros(2, 4, 8), Tensor.zeros(2, 5, 8), Tensor.zeros(2, 6, 8), false));
        assertTrue(e.getMessage().contains("5 positions") && e.getMessage().contains("[2, 6, 8]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProductAttention(Tensor.zeros(4, 8), Tensor.zeros(4, 8), Tensor.zeros(4, 8), false));
        assertTrue(e.getMessage().contains("rank"), e.getMessage());
    }
}
