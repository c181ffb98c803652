package dev.vq4j.core;

/**
 * A seeded, splittable, reproducible random generator (SplitMix64, Steele, Lea and Flood,
 * "Fast splittable pseudorandom number generators", OOPSLA 2014). Its whole state is two longs,
 * so it can be saved in a checkpoint and restored exactly ({@link #state()}, {@link #restore}).
 * Normals use the Box-Muller transform. Streams are stable across releases: tests rely on them.
 */
public final class Rng {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long seed;
    private final long gamma;

    public Rng(long seed) {
        this(mix64(seed), GOLDEN_GAMMA);
    }

    private Rng(long seed, long gamma) {
        this.seed = seed;
        this.gamma = gamma;
    }

    /** The full state, for checkpoints: {@code {seed, gamma}}. */
    public long[] state() {
        return new long[] {seed, gamma};
    }

    public static Rng restore(long[] state) {
        if (state.length != 2 || (state[1] & 1L) == 0)
            throw new IllegalArgumentException("not an Rng state: expected {seed, odd gamma}");
        return new Rng(state[0], state[1]);
    }

    /** An independent generator; this one advances. */
    public Rng split() {
        return new Rng(mix64(nextSeed()), mixGamma(nextSeed()));
    }

    private long nextSeed() {
        return seed += gamma;
    }

    public long nextLong() {
        return mix64(nextSeed());
    }

    /** Uniform in [0, 1) with 24 random bits, exactly representable in float. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), unbiased (Lemire's rejection). */
    public long nextLong(long bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        long m = bound - 1;
        long r = nextLong();
        if ((bound & m) == 0) return r & m;
        long u = r >>> 1;
        while (u + m - (r = u % bound) < 0) u = nextLong() >>> 1;
        return r;
    }

    /** Standard normal (Box-Muller; one of the pair is used so the stream depends on nothing else). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static long mixGamma(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        z = (z ^ (z >>> 33)) | 1L;
        int n = Long.bitCount(z ^ (z >>> 1));
        return (n < 24) ? z ^ 0xaaaaaaaaaaaaaaaaL : z;
    }
}
