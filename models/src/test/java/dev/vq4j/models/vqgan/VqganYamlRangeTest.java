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
}
