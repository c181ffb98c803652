package dev.vq4j.autograd.nn;

/** Argument checks and repr shared by the convolution modules. */
final class ConvChecks {
    private ConvChecks() {}

    static void channels(String module, int in, int out, int groups) {
        if (groups <= 0) throw new IllegalArgumentException(module + ": groups must be a positive integer, got " + groups);
        if (in <= 0 || out <= 0) throw new IllegalArgumentException(module + ": channels must be positive, got in=" + in + ", out=" + out);
        if (in % groups != 0) throw new IllegalArgumentException(module + ": in_channels (" + in + ") must be divisible by groups (" + groups + ")");
        if (out % groups != 0) throw new IllegalArgumentException(module + ": out_channels (" + out + ") must be divisible by groups (" + groups + ")");
    }

    /** A copied {h, w} pair whose entries are at least min. */
    static int[] pair(String module, String what, int[] v, int min) {
        if (v == null || v.length != 2) throw new IllegalArgumentException(module + ": " + what + " must be an {h, w} pair");
        if (v[0] < min || v[1] < min)
            throw new IllegalArgumentException(module + ": " + what + " must be at least " + min + ", got " + Repr.tuple(v));
        return v.clone();
    }

    /** PyTorch's _ConvNd.extra_repr: defaults are left out. */
    static String repr(int in, int out, int[] k, int[] stride, int[] padding, int[] dilation, int[] outputPadding, int groups, boolean bias) {
        StringBuilder s = new StringBuilder();
        s.append(in).append(", ").append(out).append(", kernel_size=").append(Repr.tuple(k)).append(", stride=").append(Repr.tuple(stride));
        if (padding[0] != 0 || padding[1] != 0) s.append(", padding=").append(Repr.tuple(padding));
        if (dilation[0] != 1 || dilation[1] != 1) s.append(", dilation=").append(Repr.tuple(dilation));
        if (outputPadding != null && (outputPadding[0] != 0 || outputPadding[1] != 0)) s.append(", output_padding=").append(Repr.tuple(outputPadding));
        if (groups != 1) s.append(", groups=").append(groups);
        if (!bias) s.append(", bias=False");
        return s.toString();
    }
}
