package dev.vq4j.models.vqgan;

import dev.vq4j.core.io.Yaml;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** A taming model.yaml whose integers do not fit an int is refused, not wrapped (ch_mult [1, 4294967298] once read as [1, 2]). */
class VqganYamlRangeTest {
    @Test
    void listEntriesBeyondAnIntAreRefused() {
        VqganConfig c = new VqganConfig(32, new int[] {1, 2}, 1, new int[] {8}, 8, 8, 16, 16, 3, 3, 0f, false);
        String yaml = VqganCheckpoint.toYaml(c, VqganLoss.Options.defaults(0));
        assertTrue(yaml.contains("ch_mult: [1, 2]") || yaml.contains("ch_mult:"), yaml);
        String huge = yaml.replaceFirst("ch_mult: \\[1, 2\\]", "ch_mult: [1, 4294967298]");
        assertNotEquals(yaml, huge, "the test must change ch_mult:\n" + yaml);
        var e = assertThrows(IllegalArgumentException.class, () -> VqganCheckpoint.config(Yaml.parse(huge)));
        assertTrue(e.getMessage().contains("ch_mult") && e.getMessage().contains("4294967298"), e.getMessage());
        assertArrayEquals(new int[] {1, 2}, VqganCheckpoint.config(Yaml.parse(yaml)).model().chMult());
    }

    /** Issue 17, amplification: a small yaml asking for ch 8192 or 100,000 residual blocks is refused before anything is allocated. */
    @Test
    void sizesBeyondTheHeapAreRefusedBeforeAllocating() {
        VqganConfig c = new VqganConfig(32, new int[] {1, 2}, 1, new int[] {8}, 8, 8, 16, 16, 3, 3, 0f, false);
        String yaml = VqganCheckpoint.toYaml(c, VqganLoss.Options.defaults(0));
        for (String big : new String[] {yaml.replaceFirst("ch: 32", "ch: 8192"), yaml.replaceFirst("num_res_blocks: 1", "num_res_blocks: 100000")}) {
            assertNotEquals(yaml, big, "the test must change the yaml:\n" + yaml);
            var e = assertThrows(IllegalArgumentException.class, () -> VqganCheckpoint.config(Yaml.parse(big)));
            assertTrue(e.getMessage().contains("more than half the JVM's") && e.getMessage().contains("num_res_blocks"), e.getMessage());
        }
        assertEquals(VqganConfig.imagenetF16(16384).ch(), 128, "taming's real ImageNet config fits");
        var gpt = assertThrows(IllegalArgumentException.class, () -> new dev.vq4j.models.prior.gpt.GptConfig(1025, 1_000_000, 24, 16, 1024));
        assertTrue(gpt.getMessage().startsWith("GPT: the configuration asks for about") && gpt.getMessage().contains("block_size"), gpt.getMessage());
        assertEquals(12, new dev.vq4j.models.prior.gpt.GptConfig(1025, 256, 12, 8, 512).nLayer(), "the benchmark's GPT (38M parameters) fits");
    }
}
