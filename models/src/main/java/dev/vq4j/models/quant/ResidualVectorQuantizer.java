package dev.vq4j.models.quant;

import dev.vq4j.autograd.Shaping;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.nn.ModuleList;
import dev.vq4j.core.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * Residual VQ (Zeghidour et al. 2021, SoundStream; Lee et al. 2022, RQ-VAE): stage s quantises
 * what the previous stages left, r_0 = z, q_s = VQ_s(r_s), r_{s+1} = r_s − sg(q_s); the output is
 * z + sg(Σ q_s − z) (identity straight-through gradient) and the loss is Σ_s loss_s. Indices are
 * [N, H, W, stages]. With quantise-dropout, each training batch uses only the first
 * 1 + U{0..stages−1} stages (drawn from {@link #rng()}) and marks the rest −1, which decode skips,
 * so the model also works with fewer stages at inference. Submodules: {@code layers.<s>}.
 */
public class ResidualVectorQuantizer extends Quantizer {
    private final int dim, codebookSize;
    private final ModuleList layers;
    private boolean quantizeDropout;
    private Rng rng;

    public ResidualVectorQuantizer(int stages, int codebookSize, int dim, float beta) {
        this(stages, codebookSize, dim, beta, Init.globalRng().split());
    }

    public ResidualVectorQuantizer(int stages, int codebookSize, int dim, float beta, Rng rng) {
        if (stages < 1) throw new IllegalArgumentException("ResidualVectorQuantizer: stages must be >= 1, got " + stages);
        this.dim = dim;
        this.codebookSize = codebookSize;
        this.rng = rng;
        List<VectorQuantizer> l = new ArrayList<>();
        for (int s = 0; s < stages; s++) l.add(new VectorQuantizer(codebookSize, dim, beta, false, rng));
        layers = registerModule("layers", new ModuleList(l));
    }

    /** Builds from given stages (e.g. EMA or k-means-initialised quantisers), all with the same D. */
    public ResidualVectorQuantizer(List<? extends VectorQuantizer> stages, Rng rng) {
        if (stages.isEmpty()) throw new IllegalArgumentException("ResidualVectorQuantizer: no stages");
        this.dim = stages.getFirst().dim();
        this.codebookSize = stages.getFirst().codebookSize();
        for (VectorQuantizer q : stages)
            if (q.dim() != dim) throw new IllegalArgumentException("ResidualVectorQuantizer: stage dims differ (" + q.dim() + " vs " + dim + ")");
        this.rng = rng;
        layers = registerModule("layers", new ModuleList(stages));
    }

    public ResidualVectorQuantizer quantizeDropout(boolean on) {
        quantizeDropout = on;
        return this;
    }

    public Rng rng() { return rng; }
    public void setRng(Rng rng) { this.rng = rng; }
    public int stages() { return layers.size(); }

    @Override
    public int codesPerPosition() { return stages(); }
    public VectorQuantizer stage(int s) { return (VectorQuantizer) layers.get(s); }

    @Override
    public Output quantize(Tensor z) {
        return quantize(z, isTraining() && quantizeDropout ? 1 + (int) rng.nextLong(stages()) : stages());
    }

    /** Quantises with the first {@code activeStages} stages only; the others' indices are −1. */
    public Output quantize(Tensor z, int activeStages) {
        QuantOps.checkLatents("ResidualVectorQuantizer", z, dim);
        if (activeStages < 1 || activeStages > stages())
            throw new IllegalArgumentException("ResidualVectorQuantizer: active stages must be in 1.." + stages() + ", got " + activeStages);
        int n = z.size(0), h = z.size(2), w = z.size(3);
        Tensor residual = z, sum = null, loss = null;
        List<Tensor> idx = new ArrayList<>();
        for (int s = 0; s < stages(); s++) {
            if (s >= activeStages) {
                idx.add(Tensor.full(z.device(), -1f, n, h, w).to(dev.vq4j.core.DType.INT64));
                continue;
            }
            Output o = stage(s).quantize(residual);
            Tensor q = o.quantized().detach(); // value of the code; its gradient path is the stage loss
            sum = sum == null ? q : sum.add(q);
            loss = loss == null ? o.loss() : loss.add(o.loss());
            residual = residual.sub(q);
            idx.add(o.indices());
        }
        Tensor out = QuantOps.straightThrough(z, sum);
        return new Output(out, loss, Shaping.stack(idx, 3));
    }

    @Override
    public Tensor decode(Tensor indices) {
        QuantOps.checkIndices("ResidualVectorQuantizer", indices, 4);
        if (indices.size(3) != stages())
            throw new IllegalArgumentException("ResidualVectorQuantizer: indices " + indices.shapeString() + " have " + indices.size(3) + " stages, expected " + stages());
        Tensor sum = null;
        for (int s = 0; s < stages(); s++) {
            long[] v = indices.select(3, s).contiguous().toLongArray();
            boolean anyValid = false, anyDropped = false;
            float[] keep = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                if (v[i] < 0) { anyDropped = true; v[i] = 0; } else { anyValid = true; keep[i] = 1f; }
            }
            if (!anyValid) continue;
            int[] shp = {indices.size(0), indices.size(1), indices.size(2)};
            Tensor q = stage(s).decode(Tensor.ofLongs(indices.device(), v, shp));
            if (anyDropped) q = q.mul(Tensor.of(indices.device(), keep, shp[0], 1, shp[1], shp[2]));
            sum = sum == null ? q : sum.add(q);
        }
        if (sum == null) return Tensor.zeros(indices.device(), indices.size(0), dim, indices.size(1), indices.size(2));
        return sum;
    }

    @Override
    public int codebookSize() { return codebookSize; }

    @Override
    public int dim() { return dim; }
}
