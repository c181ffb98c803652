package dev.vq4j.autograd;

import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.autograd.oracle.Input;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Codebook search against PyTorch's brute force ({@code ((x0[:,None]-x1[None])**2).sum(-1)} then
 * argmin / topk). Queries sit near randomly chosen codes of a well-separated codebook, so the
 * nearest code is unambiguous and indices must agree exactly; distances within 1e-4.
 */
class CodebookSearchParityTest extends TorchParityTest {
    /** Codes: gaussian, scaled so neighbours are far apart relative to the query noise. */
    private static Tensor codes(Rng rng, int k, int d) {
        return Tensor.randn(rng, k, d).mul(3f);
    }

    /** Each query = a random code + small noise. */
    private static Tensor queriesNear(Rng rng, Tensor codes, int n) {
        Tensor idx = Tensor.randint(rng, 0, codes.size(0), n);
        return Indexing.indexSelect(codes, 0, idx).add(Tensor.randn(rng, n, codes.size(1)).mul(0.05f));
    }

    private static final String SQ = "((x0[:,None]-x1[None])**2).sum(-1)";
    /** In double: float {@code 1 - cos} cancels badly near 0, and ours is exact. */
    private static final String COS = "(1 - torch.nn.functional.normalize(x0.double(), dim=1) @ torch.nn.functional.normalize(x1.double(), dim=1).t())";

    private void check(String name, String python, java.util.function.Function<Tensor[], Tensor> java, Tensor x, Tensor c) {
        torch.check(name).python(python).java(java).inputs(Input.of(x), Input.of(c)).forwardOnly().tol(OpCheck.REDUCTION).run();
    }

    @Test
    void nearestMatchesArgmin() {
        Rng rng = new Rng(1);
        int[][] shapes = {{37, 3, 17}, {100, 8, 512}, {64, 33, 257}, {19, 256, 70}, {5, 1, 4}};
        for (int[] s : shapes) {
            Tensor c = codes(rng, s[2], s[1]);
            Tensor x = queriesNear(rng, c, s[0]);
            String tag = "nearest" + s[0] + "x" + s[1] + "x" + s[2];
            check(tag + ".idx", SQ + ".argmin(1)", t -> CodebookSearch.nearest(t[0], t[1]).indices(), x, c);
            check(tag + ".dist", SQ + ".min(1).values", t -> CodebookSearch.nearest(t[0], t[1]).distances(), x, c);
            check(tag + ".cdist", "torch.cdist(x0, x1).argmin(1)", t -> CodebookSearch.nearest(t[0], t[1]).indices(), x, c);
        }
    }

    @Test
    void nonContiguousInputs() {
        Rng rng = new Rng(2);
        Tensor c = codes(rng, 40, 6);
        Tensor x = queriesNear(rng, c, 21);
        check("nearest.transposed", SQ + ".argmin(1)",
                t -> CodebookSearch.nearest(t[0].t().contiguous().t(), t[1].t().contiguous().t()).indices(), x, c);
        check("nearest.sliced", "((x0[::2,None,1:]-x1[None,:,1:])**2).sum(-1).argmin(1)",
                t -> CodebookSearch.nearest(t[0].slice(0, 0, t[0].size(0), 2).narrow(1, 1, 5), t[1].narrow(1, 1, 5)).indices(), x, c);
    }

    @Test
    void topKMatchesTorchTopk() {
        Rng rng = new Rng(3);
        Tensor c = codes(rng, 300, 16);
        Tensor x = queriesNear(rng, c, 50);
        check("topk.idx", SQ + ".topk(5, dim=1, largest=False).indices", t -> CodebookSearch.topK(t[0], t[1], 5).indices(), x, c);
        check("topk.dist", SQ + ".topk(5, dim=1, largest=False).values", t -> CodebookSearch.topK(t[0], t[1], 5).distances(), x, c);
    }

    @Test
    void cosineMatchesNormalizedArgmin() {
        Rng rng = new Rng(4);
        Tensor c = codes(rng, 200, 12);
        Tensor x = queriesNear(rng, c, 60).mul(7f); // scaling a query must not change its cosine neighbour
        check("cosine.idx", COS + ".argmin(1)", t -> CodebookSearch.nearestCosine(t[0], t[1]).indices(), x, c);
        check("cosine.dist", COS + ".min(1).values.float()", t -> CodebookSearch.nearestCosine(t[0], t[1]).distances(), x, c);
        check("cosine.topk", COS + ".topk(3, dim=1, largest=False).indices", t -> CodebookSearch.topKCosine(t[0], t[1], 3).indices(), x, c);
    }

    @Test
    void duplicatedCodesGoToTheLowestIndex() {
        Tensor c = Tensor.of(new float[]{0, 0, 1, 1, 1, 1, 5, 5}, 4, 2);
        Tensor x = Tensor.of(new float[]{1.2f, 0.9f, 4, 4, -1, -1}, 3, 2);
        assertEquals("[1, 3, 0]", java.util.Arrays.toString(CodebookSearch.nearest(x, c).indices().toLongArray()));
        check("ties", SQ + ".argmin(1)", t -> CodebookSearch.nearest(t[0], t[1]).indices(), x, c);
    }

    @Test
    void errorsNameTheOpAndShapes() {
        Tensor x = Tensor.zeros(4, 3), c = Tensor.zeros(10, 5);
        var e = assertThrows(IllegalArgumentException.class, () -> CodebookSearch.nearest(x, c));
        assertEquals("nearest: queries [4, 3] have dimension 3 but codes [10, 5] have dimension 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CodebookSearch.topK(x, Tensor.zeros(2, 3), 3));
        assertEquals("topK: k = 3 is out of range for 2 codes (expected 1 <= k <= 2)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CodebookSearch.nearest(Tensor.zeros(2, 2, 3), c));
        assertTrue(e.getMessage().startsWith("nearest: expected queries of shape [N, D], got [2, 2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CodebookSearch.nearestCosine(x, Tensor.zeros(0, 3)));
        assertEquals("nearestCosine: the codebook [0, 3] is empty", e.getMessage());
    }

    @Test
    void resultsCarryNoGradient() {
        Tensor x = Tensor.ones(2, 3).requiresGrad(true), c = Tensor.zeros(4, 3).requiresGrad(true);
        CodebookSearch.Result r = CodebookSearch.nearest(x, c);
        assertTrue(!r.indices().requiresGrad() && !r.distances().requiresGrad());
        assertEquals(3f, r.distances().get(0));
    }
}
