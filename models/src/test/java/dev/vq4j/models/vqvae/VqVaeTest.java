package dev.vq4j.models.vqvae;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class VqVaeTest {
    static VqVaeConfig tiny(int downsample) {
        return new VqVaeConfig(3, 8, 4, 1, downsample, "vq", 8, 4, 0.25, false);
    }

    static VqVae model(VqVaeConfig c) {
        Init.manualSeed(7);
        return new VqVae(c, new TestQuantizer(c.codebookSize(), c.codeDim(), (float) c.beta()));
    }

    @Test
    void shapesThroughEncodeQuantiseDecodeFollowTheDownsamplingFactor() {
        for (int f : new int[] {2, 4}) {
            VqVae m = model(tiny(f));
            Tensor x = new TestImages(1, 2, 3, 16).batch(new int[] {0, 1});
            VqVae.Output out = m.forwardAll(x);
            assertArrayEquals(new int[] {2, 3, 16, 16}, out.reconstruction().shape());
            assertArrayEquals(new int[] {2, 4, 16 / f, 16 / f}, out.quantized().quantized().shape());
            assertEquals(0, out.quantized().loss().dim());
            Tensor codes = m.encodeImages(x);
            assertArrayEquals(new int[] {2, 16 / f, 16 / f}, codes.shape());
            assertArrayEquals(new int[] {16 / f, 16 / f}, m.codeGridShape(16, 16));
            Tensor decoded = m.decodeCodes(codes);
            assertArrayEquals(out.reconstruction().clamp(0f, 1f).toFloatArray(), decoded.toFloatArray(), 1e-5f, "decode(encode(x)) = forward(x) clamped");
            assertArrayEquals(decoded.toFloatArray(), m.reconstructImages(x).images().toFloatArray(), "reconstructImages = decodeCodes(encodeImages)");
        }
    }

    @Test
    void layersFollowTheConfig() {
        VqVae m = model(new VqVaeConfig(1, 16, 8, 2, 8, "vq", 8, 4, 0.25, false));
        Map<String, Tensor> sd = m.stateDict();
        assertArrayEquals(new int[] {8, 1, 4, 4}, sd.get("encoder.down.0.weight").shape());
        assertArrayEquals(new int[] {8, 8, 4, 4}, sd.get("encoder.down.1.weight").shape());
        assertArrayEquals(new int[] {16, 8, 4, 4}, sd.get("encoder.down.2.weight").shape());
        assertFalse(sd.containsKey("encoder.down.3.weight"));
        assertArrayEquals(new int[] {8, 16, 3, 3}, sd.get("encoder.residual.layers.1.conv3.weight").shape());
        assertArrayEquals(new int[] {16, 8, 1, 1}, sd.get("encoder.residual.layers.1.conv1.weight").shape());
        assertArrayEquals(new int[] {4, 16, 1, 1}, sd.get("encoder.to_code.weight").shape());
        assertArrayEquals(new int[] {16, 4, 3, 3}, sd.get("decoder.from_code.weight").shape());
        assertArrayEquals(new int[] {16, 8, 4, 4}, sd.get("decoder.up.0.weight").shape()); // ConvTranspose2d: [in, out, kh, kw]
        assertArrayEquals(new int[] {8, 1, 4, 4}, sd.get("decoder.up.2.weight").shape());
        assertArrayEquals(new int[] {8, 4}, sd.get("quantizer.embedding").shape());
    }

    @Test
    void gradientsReachEveryParameter() {
        VqVae m = model(tiny(2));
        Tensor x = new TestImages(2, 2, 3, 8).batch(new int[] {0, 1});
        VqVae.Output out = m.forwardAll(x);
        out.reconstruction().sub(x).square().mean().add(out.quantized().loss()).backward();
        m.namedParameters().forEach((name, p) -> {
            assertNotNull(p.grad(), name);
            float s = 0;
            for (float v : p.grad().toFloatArray()) s += Math.abs(v);
            assertTrue(s > 0, "zero gradient for " + name);
        });
    }

    @Test
    void badInputsNameTheShapes() {
        VqVae m = model(tiny(4));
        var e = assertThrows(IllegalArgumentException.class, () -> m.forwardAll(Tensor.zeros(1, 1, 16, 16)));
        assertEquals("VqVae: images [1, 1, 16, 16] have 1 channels, the model expects 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.forwardAll(Tensor.zeros(1, 3, 18, 16)));
        assertTrue(e.getMessage().contains("18x16 px cannot be downsampled by 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.forwardAll(Tensor.zeros(3, 16, 16)));
        assertTrue(e.getMessage().contains("expected images [N, C, H, W], got [3, 16, 16]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.decodeCodes(Tensor.zeros(1, 4, 4)));
        assertTrue(e.getMessage().contains("expected integer codes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new VqVae(tiny(2), new TestQuantizer(8, 5, 0.25f)));
        assertTrue(e.getMessage().contains("has dim 5, the config's code_dim is 4"), e.getMessage());
    }

    @Test
    void configRoundTripsThroughJsonAndRejectsBadValuesClearly() {
        VqVaeConfig c = new VqVaeConfig(1, 32, 16, 3, 8, "vq", 512, 64, 0.3, true);
        assertEquals(c, VqVaeConfig.fromJson(c.toJson()));
        assertEquals(VqVaeConfig.defaults(), VqVaeConfig.fromJson("{}"));
        assertEquals(3, VqVaeConfig.fromJson("{\"downsample\": 8}").stridedLayers());
        var e = assertThrows(IllegalArgumentException.class, () -> VqVaeConfig.fromJson("{\"downsample\": 6}"));
        assertEquals("VqVaeConfig: downsample must be a power of two >= 2 (2, 4, 8, ...), got 6", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VqVaeConfig.fromJson("{\"codebook\": 6}"));
        assertTrue(e.getMessage().startsWith("VqVaeConfig: unknown key \"codebook\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VqVaeConfig.fromJson("{\"code_dim\": \"x\"}"));
        assertEquals("VqVaeConfig: \"code_dim\" must be an integer, got x", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VqVaeConfig.fromJson("{\"quantizer\": \"nope\"}"));
        assertTrue(e.getMessage().contains("unknown quantizer \"nope\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VqVaeConfig.fromJson("{\"hidden_channels\": 7}"));
        assertTrue(e.getMessage().contains("hidden_channels must be an even number"), e.getMessage());
    }
}
