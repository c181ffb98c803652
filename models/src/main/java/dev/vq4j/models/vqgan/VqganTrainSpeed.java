package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.optim.Adam;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.Rng;

import java.util.Locale;

/**
 * Training speed of the VQGAN autoencoder (L1 + codebook loss, Adam), the counterpart of
 * bench/vqgan_train_speed.py; run by bench/vqgan_train_speed.sh. Prints one JSON line.
 *
 * <pre>VqganTrainSpeed [--steps N] [--warmup N] [--batch B] [--threads T] [--tiny] [--attn R[,R...]]</pre>
 * Default model: ch 64, ch_mult (1,2,2,4), 1 res block, attention at 8, z 64, K 1024 × 64, 3×64×64.
 * {@code --tiny}: ch 32, ch_mult (1,2), attention at 8, z 16, K 64, 16×16 (checks the pipeline only).
 * {@code --attn 16,8}: the resolutions with attention blocks instead of 8 (the mid block always has one).
 */
public final class VqganTrainSpeed {
    public static void main(String[] args) {
        int steps = 20, warmup = 3, batch = 8, threads = 2;
        boolean tiny = false;
        int[] attn = {8};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--tiny" -> tiny = true;
                case "--attn" -> attn = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Parallel.setThreads(threads);
        VqganConfig c = tiny ? new VqganConfig(32, new int[] {1, 2}, 1, attn, 16, 16, 64, 16, 3, 3, 0f, false)
                : new VqganConfig(64, new int[] {1, 2, 2, 4}, 1, attn, 64, 64, 1024, 64, 3, 3, 0f, false);
        Init.manualSeed(0);
        VqganModel model = new VqganModel(c);
        model.train();
        Adam opt = new Adam(model.parameters(), 1e-4).betas(0.5, 0.9);
        Rng rng = new Rng(1);
        int n = batch * 3 * c.resolution() * c.resolution();
        float[] px = new float[n];
        for (int i = 0; i < n; i++) px[i] = rng.nextFloat() * 2 - 1;
        Tensor x = Tensor.of(px, batch, 3, c.resolution(), c.resolution());
        float loss = 0;
        long start = 0;
        for (int s = 0; s < warmup + steps; s++) {
            if (s == warmup) start = System.nanoTime();
            VqganModel.Result r = model.reconstruct(x);
            Tensor l = r.reconstruction().sub(x).abs().mean().add(r.quantizerLoss());
            opt.zeroGrad();
            l.backward();
            opt.step();
            loss = l.item();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "{\"impl\": \"vq4j\", \"threads\": %d, \"batch\": %d, \"steps\": %d, \"warmup\": %d, \"seconds\": %.3f, "
                + "\"images_per_s\": %.3f, \"final_loss\": %.5f, \"config\": \"%s\"}%n", threads, batch, steps, warmup, seconds,
                steps * batch / seconds, loss, c);
    }
}
