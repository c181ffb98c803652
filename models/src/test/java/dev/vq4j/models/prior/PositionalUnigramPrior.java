package dev.vq4j.models.prior;

import dev.vq4j.autograd.Losses;
import dev.vq4j.autograd.Softmax;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.Rng;

/**
 * The simplest prior, for testing what surrounds priors (trainer, checkpoints, resume, commands):
 * independent learned logits per grid position, p(z) = Π softmax(θ_pos)[z_pos]. Its training draws from
 * the rng (a random position offset that the loss ignores) so that resume must restore the task's generator.
 */
final class PositionalUnigramPrior extends Module implements CodePrior {
    private final int k, h, w;
    private final Tensor logits;
    long drawn;

    PositionalUnigramPrior(int k, int h, int w) {
        this.k = k;
        this.h = h;
        this.w = w;
        this.logits = registerParameter("logits", Tensor.zeros(h * w, k));
    }

    @Override public String modelType() { return "unigram"; }
    @Override public Module module() { return this; }
    @Override public int codebookSize() { return k; }
    @Override public int[] gridShape() { return new int[] {h, w}; }
    @Override public int numClasses() { return 0; }

    @Override
    public Tensor loss(Tensor codes, Tensor labels, Rng rng) {
        drawn += rng.nextLong(1000);
        int b = codes.size(0);
        Tensor l = logits.unsqueeze(0).expand(b, h * w, k).reshape(b * h * w, k);
        return Losses.crossEntropy(l, codes.reshape(b * h * w));
    }

    @Override
    public double evalLoss(Tensor codes, Tensor labels, Rng rng) {
        return loss(codes, labels, rng).item();
    }

    @Override
    public Tensor sample(SampleOptions o, SampleProgress progress) {
        float[] p = Softmax.softmax(logits, 1).contiguous().toFloatArray();
        Rng rng = new Rng(o.seed());
        long[] out = new long[o.count() * h * w];
        for (int n = 0; n < o.count(); n++)
            for (int pos = 0; pos < h * w; pos++) {
                double u = rng.nextDouble(), c = 0;
                int z = k - 1;
                for (int j = 0; j < k; j++) {
                    c += p[pos * k + j];
                    if (u < c) {
                        z = j;
                        break;
                    }
                }
                out[n * h * w + pos] = z;
            }
        progress.tokens(out.length, out.length);
        return Tensor.ofLongs(out, o.count(), h, w);
    }

    @Override
    public Tensor resample(Tensor codes, boolean[] keep, SampleOptions o, SampleProgress progress) {
        long[] fresh = sample(o.withCount(codes.size(0)), progress).toLongArray(), given = codes.contiguous().toLongArray();
        for (int i = 0; i < given.length; i++) if (keep[i]) fresh[i] = given[i];
        return Tensor.ofLongs(fresh, codes.shape());
    }
}
