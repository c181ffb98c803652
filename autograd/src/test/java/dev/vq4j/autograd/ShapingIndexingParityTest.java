package dev.vq4j.autograd;

import dev.vq4j.autograd.oracle.GradCheck;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.vq4j.autograd.ElementwiseParityTest.assertMessage;
import static dev.vq4j.autograd.oracle.Input.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Views (forward, backward, and that they do not copy), joins and splits, and the indexing ops
 * against PyTorch. Views and copies are exact, so the elementwise tolerance applies; ops that sum
 * gradients of repeated indices use the reduction tolerance.
 */
class ShapingIndexingParityTest extends TorchParityTest {
    private static OpCheck op(String name) {
        return torch.check(name);
    }

    // ---- views: values and gradients --------------------------------------------------------------

    @Test
    void viewAndReshape() {
        op("view").python("x0.view(5, 6)").java(x -> x[0].view(5, 6)).inputs(randn(3, 10)).run();
        op("view.infer").python("x0.view(-1, 2)").java(x -> x[0].view(-1, 2)).inputs(randn(3, 10)).run();
        op("view.nc.compatible").python("x0.t().view(2, 3, 5)").java(x -> x[0].t().view(2, 3, 5)).inputs(randn(5, 6)).run();
        op("reshape.copy").python("x0.t().reshape(-1)").java(x -> x[0].t().reshape(-1)).inputs(randn(3, 5)).run();
        op("reshape.view").python("x0.reshape(2, 15)").java(x -> x[0].reshape(2, 15)).inputs(randn(3, 10)).run();
    }

    @Test
    void permuteAndTranspose() {
        op("permute").python("x0.permute(2, 0, 1)").java(x -> x[0].permute(2, 0, 1)).inputs(randn(3, 4, 5)).run();
        op("permute.neg").python("x0.permute(-1, -3, -2)").java(x -> x[0].permute(-1, -3, -2)).inputs(randn(3, 4, 5)).run();
        op("transpose").python("x0.transpose(0, 2)").java(x -> x[0].transpose(0, 2)).inputs(randn(3, 4, 5)).run();
        op("t").python("x0.t()").java(x -> x[0].t()).inputs(randn(3, 7)).run();
    }

    @Test
    void narrowSliceSelect() {
        op("narrow").python("x0.narrow(1, 1, 3)").java(x -> x[0].narrow(1, 1, 3)).inputs(randn(3, 5, 2)).run();
        op("slice.step").python("x0[:, 1:8:3]").java(x -> x[0].slice(1, 1, 8, 3)).inputs(randn(4, 9)).run();
        op("slice.negstart").python("x0[:, -4::2]").java(x -> x[0].slice(1, -4, Integer.MAX_VALUE, 2)).inputs(randn(4, 9)).run();
        op("slice.negend").python("x0[1:-1]").java(x -> x[0].slice(0, 1, -1, 1)).inputs(randn(5, 3)).run();
        op("slice.overrun").python("x0[2:100:4]").java(x -> x[0].slice(0, 2, 100, 4)).inputs(randn(11)).run();
        op("select").python("x0[:, 2]").java(x -> x[0].select(1, 2)).inputs(randn(3, 4, 5)).run();
        op("select.neg").python("x0.select(-1, -2)").java(x -> x[0].select(-1, -2)).inputs(randn(3, 4, 5)).run();
    }

    @Test
    void expandSqueezeUnsqueeze() {
        op("expand").python("x0.expand(4, 3, 5)").java(x -> x[0].expand(4, 3, 5)).inputs(randn(3, 1)).run();
        op("expand.keep").python("x0.expand(-1, 6)").java(x -> x[0].expand(-1, 6)).inputs(randn(3, 1)).run();
        op("squeeze.all").python("x0.squeeze()").java(x -> x[0].squeeze()).inputs(randn(3, 1, 5, 1)).run();
        op("squeeze.dim").python("x0.squeeze(1)").java(x -> x[0].squeeze(1)).inputs(randn(3, 1, 5, 1)).run();
        op("squeeze.noop").python("x0.squeeze(0)").java(x -> x[0].squeeze(0)).inputs(randn(3, 1, 5, 1)).run();
        op("unsqueeze.last").python("x0.unsqueeze(-1)").java(x -> x[0].unsqueeze(-1)).inputs(randn(3, 5)).run();
        op("unsqueeze.mid.nc").python("x0.t().unsqueeze(1)").java(x -> x[0].t().unsqueeze(1)).inputs(randn(3, 5)).run();
    }

    @Test
    void flattenAndContiguous() {
        op("flatten").python("x0.flatten()").java(x -> x[0].flatten()).inputs(randn(2, 3, 4)).run();
        op("flatten.range").python("x0.flatten(1, 2)").java(x -> x[0].flatten(1, 2)).inputs(randn(2, 3, 4, 5)).run();
        op("flatten.nc").python("x0.transpose(0, 1).flatten(0, 1)").java(x -> x[0].transpose(0, 1).flatten(0, 1)).inputs(randn(2, 3, 4)).run();
        op("contiguous").python("x0.t().contiguous()").java(x -> x[0].t().contiguous()).inputs(randn(3, 4)).run();
    }

    @Test
    void chainedViews() {
        op("chain").python("x0.permute(1, 0, 2)[1:, :, ::2].unsqueeze(1).expand(2, 3, 4, 3).transpose(0, 3).reshape(9, 8).select(1, 2)")
                .java(x -> x[0].permute(1, 0, 2).slice(0, 1, 3, 1).slice(2, 0, 5, 2).unsqueeze(1).expand(2, 3, 4, 3)
                        .transpose(0, 3).reshape(9, 8).select(1, 2))
                .inputs(randn(4, 3, 5)).run();
        // the same element reached through two views: gradients add
        op("chain.overlap").python("x0[:, 1:] * x0[:, :-1].exp()").java(x -> x[0].slice(1, 1, 5, 1).mul(x[0].slice(1, 0, -1, 1).exp()))
                .inputs(randn(3, 5)).run();
    }

    // ---- views do not copy ------------------------------------------------------------------------

    @Test
    void viewsShareMemory() {
        Tensor x = Tensor.arange(60).reshape(3, 4, 5);
        Tensor[] views = {
                x.view(12, 5), x.reshape(6, 10), x.permute(2, 0, 1), x.transpose(0, 1), x.narrow(1, 1, 2), x.slice(2, 0, 5, 2),
                x.select(0, 1), x.unsqueeze(1).expand(3, 7, 4, 5), x.unsqueeze(3), x.unsqueeze(0).squeeze(), x.unsqueeze(0).squeeze(0),
                x.flatten(), x.flatten(0, 1), x.contiguous(), x.detach(), x.transpose(0, 2), Shaping.split(x, 2, 1).get(1), Shaping.chunk(x, 2, 2).get(1),
                x.permute(2, 0, 1).view(5, 12).t().reshape(12, 5)};
        for (int i = 0; i < views.length; i++) assertTrue(views[i].sharesMemoryWith(x), "view " + i + " copied");
        assertFalse(x.transpose(0, 2).contiguous().sharesMemoryWith(x), "contiguous() of a non-contiguous view must copy");
        assertFalse(x.permute(1, 0, 2).reshape(-1).sharesMemoryWith(x), "reshape of a non-viewable layout must copy");
    }

    @Test
    void writesThroughAViewReachTheBase() {
        Tensor x = Tensor.zeros(3, 4);
        x.slice(1, 1, 4, 2).copyFrom(Tensor.ones(3, 2));
        x.select(0, 2).fillInPlace(5);
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 1, 0, 1, 5, 5, 5, 5}, x.toFloatArray(), 0f);
        Tensor v = x.t().narrow(0, 0, 1); // column 0
        assertArrayEquals(new int[] {1, 3}, v.shape());
        assertArrayEquals(new float[] {0, 0, 5}, v.toFloatArray(), 0f);
        assertEquals(0, v.storageOffset());
        assertArrayEquals(new int[] {1, 4}, x.t().strides());
    }

    // ---- joins and splits ------------------------------------------------------------------------------

    @Test
    void cat() {
        op("cat.d1").python("torch.cat([x0, x1.t(), x2[:, ::2]], 1)")
                .java(x -> Shaping.cat(List.of(x[0], x[1].t(), x[2].slice(1, 0, 5, 2)), 1)).inputs(randn(3, 2), randn(4, 3), randn(3, 5)).run();
        op("cat.d0").python("torch.cat([x0, x1], 0)").java(x -> Shaping.cat(List.of(x[0], x[1]), 0)).inputs(randn(1, 4), randn(3, 4)).run();
        op("cat.neg").python("torch.cat([x0, x0 * 2.0], -1)").java(x -> Shaping.cat(List.of(x[0], x[0].mul(2f)), -1)).inputs(randn(2, 3, 2)).run();
    }

    @Test
    void stack() {
        op("stack.d1").python("torch.stack([x0, x1.t(), x2], 1)").java(x -> Shaping.stack(List.of(x[0], x[1].t(), x[2]), 1))
                .inputs(randn(3, 4), randn(4, 3), randn(3, 4)).run();
        op("stack.last").python("torch.stack([x0, x1], -1)").java(x -> Shaping.stack(List.of(x[0], x[1]), -1)).inputs(randn(5), randn(5)).run();
    }

    @Test
    void splitAndChunkGradientsFlowThroughEveryPiece() {
        op("split.size").python("(lambda p: torch.cat([p[2], p[0] * 2.0, p[1].exp()], 1))(x0.split(2, 1))")
                .java(x -> {
                    List<Tensor> p = Shaping.split(x[0], 2, 1);
                    assertEquals(3, p.size());
                    return Shaping.cat(List.of(p.get(2), p.get(0).mul(2f), p.get(1).exp()), 1);
                }).inputs(randn(3, 6)).run();
        op("split.uneven.unused").python("(lambda p: p[0] * p[1][:, :1])(x0.split(3, 1))")
                .java(x -> {
                    List<Tensor> p = Shaping.split(x[0], 3, 1);
                    assertEquals(3, p.size());
                    assertEquals(1, p.get(2).size(1));
                    return p.get(0).mul(p.get(1).narrow(1, 0, 1));
                }).inputs(randn(3, 7)).run();
        op("split.sizes").python("(lambda p: torch.cat([p[1], p[2].sin(), p[0]], 0))(x0.split([2, 4, 1], 0))")
                .java(x -> {
                    List<Tensor> p = Shaping.split(x[0], new int[] {2, 4, 1}, 0);
                    return Shaping.cat(List.of(p.get(1), Elementwise.sin(p.get(2)), p.get(0)), 0);
                }).inputs(randn(7, 2)).run();
        op("chunk").python("(lambda p: p[0].sum(1, keepdim=True) + p[1].sum(1, keepdim=True) * p[2])(x0.chunk(3, 1))")
                .java(x -> {
                    List<Tensor> p = Shaping.chunk(x[0], 3, 1);
                    assertEquals(List.of(3, 3, 1), p.stream().map(t -> t.size(1)).toList());
                    return p.get(0).sum(1, true).add(p.get(1).sum(1, true).mul(p.get(2)));
                }).tol(OpCheck.REDUCTION).inputs(randn(2, 7)).run();
        op("chunk.nc").python("(lambda p: p[1] - p[0])(x0.t().chunk(2, 0))")
                .java(x -> {
                    List<Tensor> p = Shaping.chunk(x[0].t(), 2, 0);
                    return p.get(1).sub(p.get(0));
                }).inputs(randn(3, 4)).run();
    }

    @Test
    void chunkReturnsFewerPiecesLikePyTorch() {
        // torch.arange(6).chunk(4) gives 3 pieces of 2
        assertEquals(List.of(2, 2, 2), Shaping.chunk(Tensor.arange(6), 4, 0).stream().map(Tensor::numel).toList());
        assertEquals(List.of(1, 1, 1), Shaping.chunk(Tensor.arange(3), 5, 0).stream().map(Tensor::numel).toList());
    }

    // ---- indexing ---------------------------------------------------------------------------------------

    @Test
    void indexSelect() {
        op("index_select.d1").python("x0.index_select(1, x1)").java(x -> Indexing.indexSelect(x[0], 1, x[1]))
                .inputs(randn(3, 5), indices(5, 8)).tol(OpCheck.REDUCTION).run();
        op("index_select.d0.nc").python("x0.t().index_select(0, x1)").java(x -> Indexing.indexSelect(x[0].t(), 0, x[1]))
                .inputs(randn(3, 5), indices(5, 4)).tol(OpCheck.REDUCTION).run();
        op("index_select.nograd").python("x0.index_select(0, x1)").java(x -> Indexing.indexSelect(x[0], 0, x[1])).inputs(randn(3, 5).noGrad(), indices(3, 4)).run();
        op("index_select.nc").python("x0.permute(2, 0, 1).index_select(2, x1)").java(x -> Indexing.indexSelect(x[0].permute(2, 0, 1), 2, x[1]))
                .inputs(randn(3, 5, 2), indices(5, 7)).tol(OpCheck.REDUCTION).run();
    }

    @Test
    void gather() {
        op("gather.d1").python("x0.gather(1, x1)").java(x -> Indexing.gather(x[0], 1, x[1])).inputs(randn(4, 6), indices(6, 4, 9))
                .tol(OpCheck.REDUCTION).run();
        op("gather.d0.small").python("x0.gather(0, x1)").java(x -> Indexing.gather(x[0], 0, x[1])).inputs(randn(4, 6), indices(4, 2, 5))
                .tol(OpCheck.REDUCTION).run();
        op("gather.nc").python("x0.t().gather(1, x1)").java(x -> Indexing.gather(x[0].t(), 1, x[1])).inputs(randn(5, 3), indices(5, 3, 4))
                .tol(OpCheck.REDUCTION).run();
        op("gather.3d").python("x0.gather(-1, x1)").java(x -> Indexing.gather(x[0], -1, x[1])).inputs(randn(2, 3, 4), indices(4, 2, 3, 6))
                .tol(OpCheck.REDUCTION).run();
    }

    @Test
    void scatterAdd() {
        op("scatter_add.d1").python("x0.scatter_add(1, x1, x2)").java(x -> Indexing.scatterAdd(x[0], 1, x[1], x[2]))
                .inputs(randn(4, 6), indices(6, 4, 9), randn(4, 9)).tol(OpCheck.REDUCTION).run();
        op("scatter_add.d0").python("x0.scatter_add(0, x1, x2)").java(x -> Indexing.scatterAdd(x[0], 0, x[1], x[2]))
                .inputs(randn(3, 5), indices(3, 7, 4), randn(7, 4)).tol(OpCheck.REDUCTION).run();
        op("scatter_add.nc").python("x0.t().scatter_add(1, x1, x2.t())").java(x -> Indexing.scatterAdd(x[0].t(), 1, x[1], x[2].t()))
                .inputs(randn(6, 4), indices(6, 4, 5), randn(5, 4)).tol(OpCheck.REDUCTION).run();
        // src larger than index: only its leading block is read (PyTorch 1.13 cannot differentiate this case)
        op("scatter_add.bigsrc").python("x0.scatter_add(1, x1, x2)").java(x -> Indexing.scatterAdd(x[0], 1, x[1], x[2]))
                .inputs(randn(4, 6), indices(6, 3, 2), randn(4, 5)).tol(OpCheck.REDUCTION).forwardOnly().run();
    }

    @Test
    void scatterAddGradientWithLargerSrcIsZeroOutsideTheIndexBlock() {
        Tensor x = Tensor.zeros(2, 3).requiresGrad(true);
        Tensor src = Tensor.arange(8).reshape(2, 4).requiresGrad(true);
        Tensor index = Tensor.ofLongs(new long[] {2, 2}, 1, 2);
        Tensor out = Indexing.scatterAdd(x, 1, index, src);
        assertArrayEquals(new float[] {0, 0, 1, 0, 0, 0}, out.toFloatArray(), 0f);
        out.mul(Tensor.arange(6).reshape(2, 3)).sum().backward();
        assertArrayEquals(new int[] {2, 4}, src.grad().shape());
        assertArrayEquals(new float[] {2, 2, 0, 0, 0, 0, 0, 0}, src.grad().toFloatArray(), 0f);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, x.grad().toFloatArray(), 0f);
    }

    @Test
    void embeddingWithRepeatedIndices() {
        op("embedding").python("F.embedding(x1, x0)").java(x -> Indexing.embedding(x[0], x[1])).inputs(randn(5, 3), indices(5, 4, 6))
                .tol(OpCheck.REDUCTION).run();
        op("embedding.1d").python("F.embedding(x1, x0)").java(x -> Indexing.embedding(x[0], x[1])).inputs(randn(7, 4), indices(7, 9))
                .tol(OpCheck.REDUCTION).run();
        Tensor w = Tensor.arange(6).reshape(3, 2).requiresGrad(true);
        Tensor e = Indexing.embedding(w, Tensor.ofLongs(new long[] {2, 0, 2, 2}, 2, 2));
        assertArrayEquals(new int[] {2, 2, 2}, e.shape());
        assertArrayEquals(new float[] {4, 5, 0, 1, 4, 5, 4, 5}, e.toFloatArray(), 0f);
        e.sum().backward();
        assertArrayEquals(new float[] {1, 1, 0, 0, 3, 3}, w.grad().toFloatArray(), 0f);
    }

    @Test
    void int32IndicesWork() {
        Tensor x = Tensor.arange(12).reshape(3, 4);
        Tensor idx = Tensor.ofInts(new int[] {3, 0}, 2);
        assertArrayEquals(new float[] {3, 0, 7, 4, 11, 8}, Indexing.indexSelect(x, 1, idx).toFloatArray(), 0f);
    }

    @Test
    void finiteDifferences() {
        Rng r = new Rng(3);
        Tensor idx = Tensor.randint(r, 0, 4, 3, 5);
        GradCheck.check("gather", x -> Indexing.gather(x[0], 1, idx), 1, Tensor.randn(r, 3, 4));
        GradCheck.check("scatter_add", x -> Indexing.scatterAdd(x[0], 1, idx, x[1]), 2, Tensor.randn(r, 3, 4), Tensor.randn(r, 3, 5));
        Tensor small = Tensor.randint(r, 0, 4, 2, 3);
        GradCheck.check("scatter_add.bigsrc", x -> Indexing.scatterAdd(x[0], 1, small, x[1]).exp(), 3, Tensor.randn(r, 3, 4), Tensor.randn(r, 3, 5));
        GradCheck.check("views", x -> x[0].permute(1, 0, 2).slice(2, 0, 4, 3).reshape(-1).mul(x[0].reshape(-1).narrow(0, 0, 8)), 4,
                Tensor.randn(r, 2, 2, 4));
    }

    // ---- errors ------------------------------------------------------------------------------------------

    @Test
    void errors() {
        Tensor x = Tensor.zeros(3, 4);
        assertMessage(() -> x.t().view(12), "view size is not compatible", "[4, 3]");
        assertMessage(() -> x.view(5, -1), "view", "invalid for input of size 12");
        assertMessage(() -> x.permute(0, 0), "permute", "repeated dim");
        assertMessage(() -> x.expand(2, 4), "expand", "(2)", "(3)");
        assertMessage(() -> x.select(1, 4), "select", "out of bounds", "size 4");
        assertMessage(() -> Shaping.cat(List.of(x, Tensor.zeros(3, 5)), 0), "cat", "dimension 0", "[3, 5]");
        assertMessage(() -> Shaping.stack(List.of(x, Tensor.zeros(4, 3)), 0), "stack", "[3, 4]", "[4, 3]");
        assertMessage(() -> Shaping.cat(List.of(Tensor.scalar(1f), Tensor.scalar(2f)), 0), "cat", "zero-dimensional", "position 0");
        assertArrayEquals(new float[] {1, 2}, Shaping.stack(List.of(Tensor.scalar(1f), Tensor.scalar(2f)), 0).toFloatArray(), 0f);
        assertMessage(() -> Shaping.split(x, new int[] {1, 2}, 1), "split_with_sizes", "4");
        assertMessage(() -> Indexing.indexSelect(x, 0, Tensor.zeros(2)), "index_select", "int64");
        assertMessage(() -> Indexing.indexSelect(x, 0, Tensor.ofLongs(new long[] {0, 3}, 2)), "index_select", "index 3", "size 3");
        assertMessage(() -> Indexing.gather(x, 1, Tensor.ofLongs(new long[8], 4, 2)), "gather", "[4, 2]", "[3, 4]");
        assertMessage(() -> Indexing.scatterAdd(x, 1, Tensor.ofLongs(new long[6], 2, 3), Tensor.zeros(2, 2)), "scatter_add", "[2, 3]", "[2, 2]");
        assertMessage(() -> Indexing.scatterAdd(x, 1, Tensor.ofLongs(new long[8], 4, 2), Tensor.zeros(4, 2)), "scatter_add", "[4, 2]", "[3, 4]");
        assertMessage(() -> Indexing.scatterAdd(x, 1, Tensor.ofLongs(new long[3], 3), Tensor.zeros(3)), "scatter_add", "same number of dimensions");
        assertMessage(() -> Indexing.embedding(Tensor.zeros(3), Tensor.ofLongs(new long[] {0}, 1)), "embedding", "2-D");
    }
}
