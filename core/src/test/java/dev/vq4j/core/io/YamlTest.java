package dev.vq4j.core.io;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The YAML subset of taming-transformers' model.yaml, and clear line-numbered errors beyond it. */
class YamlTest {
    static final String TAMING = """
            # a taming-transformers VQGAN config
            model:
              base_learning_rate: 4.5e-06
              target: taming.models.vqgan.VQModel
              params:
                embed_dim: 256
                n_embed: 1024
                ddconfig:
                  double_z: False
                  z_channels: 256
                  resolution: 256
                  in_channels: 3
                  out_ch: 3
                  ch: 128
                  ch_mult: [ 1,1,2,2,4]  # num_down = len(ch_mult)-1
                  num_res_blocks: 2
                  attn_resolutions: [16]
                  dropout: 0.0

                lossconfig:
                  target: taming.modules.losses.vqperceptual.VQLPIPSWithDiscriminator
                  params:
                    disc_conditional: False
                    disc_in_channels: 3
                    disc_start: 250001
                    disc_weight: 0.8
                    codebook_weight: 1.0

            data:
              target: main.DataModuleFromConfig
              params:
                batch_size: 3
                num_workers: 8
                train:
                  target: taming.data.imagenet.ImageNetTrain
                  params:
                    config:
                      size: 256
                callbacks:
                - "quoted: # not a comment"
                - 'it''s'
                - ~
                - name: first
                  lr: 1e-4
                -   - nested
                    - 0x1f
            """;

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void tamingConfig() {
        Map<String, Object> root = map(Yaml.parse(TAMING));
        Map<String, Object> model = map(root.get("model"));
        assertEquals(4.5e-06, model.get("base_learning_rate"));
        assertEquals("taming.models.vqgan.VQModel", model.get("target"));
        Map<String, Object> params = map(model.get("params"));
        assertEquals(256L, params.get("embed_dim"));
        assertEquals(1024L, params.get("n_embed"));
        Map<String, Object> dd = map(params.get("ddconfig"));
        assertEquals(List.of("double_z", "z_channels", "resolution", "in_channels", "out_ch", "ch", "ch_mult", "num_res_blocks", "attn_resolutions", "dropout"),
                List.copyOf(dd.keySet()));
        assertEquals(Boolean.FALSE, dd.get("double_z"));
        assertEquals(List.of(1L, 1L, 2L, 2L, 4L), dd.get("ch_mult"));
        assertEquals(List.of(16L), dd.get("attn_resolutions"));
        assertEquals(0.0, dd.get("dropout"));
        Map<String, Object> loss = map(map(params.get("lossconfig")).get("params"));
        assertEquals(Map.of("disc_conditional", false, "disc_in_channels", 3L, "disc_start", 250001L, "disc_weight", 0.8, "codebook_weight", 1.0), loss);
        Map<String, Object> data = map(map(root.get("data")).get("params"));
        assertEquals(256L, map(map(map(data.get("train")).get("params")).get("config")).get("size"));
        List<Object> cb = (List<Object>) data.get("callbacks");
        assertEquals("quoted: # not a comment", cb.get(0));
        assertEquals("it's", cb.get(1));
        assertNull(cb.get(2));
        assertEquals(Map.of("name", "first", "lr", 1e-4), cb.get(3));
        assertEquals(List.of("nested", 31L), cb.get(4));
    }

    @Test
    void scalars() {
        Map<String, Object> m = map(Yaml.parse("""
                a: -12
                b: +3.5
                c: .5
                d: 1.
                e: "tab\\there"
                f: yes
                g: null
                h: 1_000
                i: 2.5E+3
                j: text with spaces
                k: {x: 1, y: [a, 'b c'], z: {}}
                l: []
                m: -.inf
                n: 12abc
                """));
        assertEquals(-12L, m.get("a"));
        assertEquals(3.5, m.get("b"));
        assertEquals(0.5, m.get("c"));
        assertEquals(1.0, m.get("d"));
        assertEquals("tab\there", m.get("e"));
        assertEquals(true, m.get("f"));
        assertTrue(m.containsKey("g") && m.get("g") == null);
        assertEquals(1000L, m.get("h"));
        assertEquals(2500.0, m.get("i"));
        assertEquals("text with spaces", m.get("j"));
        Map<String, Object> k = map(m.get("k"));
        assertEquals(1L, k.get("x"));
        assertEquals(List.of("a", "b c"), k.get("y"));
        assertEquals(new LinkedHashMap<>(), k.get("z"));
        assertEquals(List.of(), m.get("l"));
        assertEquals(Double.NEGATIVE_INFINITY, m.get("m"));
        assertEquals("12abc", m.get("n"));
        assertNull(Yaml.parse("# only a comment\n"));
        assertEquals(List.of(1L, 2L), Yaml.parse("---\n- 1\n- 2\n"));
    }

    static void refused(String yaml, String... parts) {
        YamlFormatException e = assertThrows(YamlFormatException.class, () -> Yaml.parse(yaml));
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "' for " + Arrays.toString(parts));
    }

    @Test
    void unsupportedAndMalformedInputNamesTheLine() {
        refused("a: 1\n\tb: 2\n", "line 2", "tab");
        refused("a: &x 1\nb: *x\n", "line 1", "anchors");
        refused("a: 1\nb: *x\n", "line 2", "aliases");
        refused("a: !!float 1\n", "line 1", "tags");
        refused("a: |\n  text\n", "line 1", "block scalars");
        refused("a: [1, 2,\n  3]\n", "line 1", "multi-line flow");
        refused("a: 1\na: 2\n", "line 2", "duplicate key 'a'");
        refused("a:\n  b: 1\n    c: 2\n", "line 3", "unexpected indentation");
        refused("a: 1\njust text\n", "line 2", "expected 'key: value'");
        refused("a: \"open\n", "line 1", "unterminated");
        refused("a: [1, 2] x\n", "line 1", "after a flow collection");
        refused("a: 1\n---\nb: 2\n", "line 2", "multiple documents");
        refused("a:\n  - 1\n  b: 2\n", "line 3");
        refused("a: b: c\n", "line 1", "mapping value is not allowed");
    }

    /** Issue 17, deep nesting: 200,000 "- " on one line overflowed the block parser's recursion; nesting is now bounded everywhere. */
    @Test
    void deepNestingIsAClearErrorNotAStackOverflow() {
        refused("- ".repeat(200_000) + "1\n", "line 1", "blocks nested deeper than 64");
        StringBuilder keys = new StringBuilder();
        for (int i = 0; i < 5_000; i++) keys.append(" ".repeat(i)).append("k").append(i).append(":\n");
        refused(keys.toString(), "blocks nested deeper than 64");
        refused("a: " + "[".repeat(100_000) + "\n", "line 1", "nested deeper than 64");
        Object ok = Yaml.parse("- ".repeat(60) + "1\n"); // within the bound
        for (int i = 0; i < 60; i++) ok = ((List<?>) ok).getFirst();
        assertEquals(1L, ok);
    }

    /** Issue 17: a YAML in Latin-1 was reported as an unreadable checkpoint; now the YAML is named with its first bad byte. */
    @Test
    void aFileThatIsNotUtf8IsNamedWithItsFirstBadByte(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("model.yaml");
        java.nio.file.Files.write(f, "name: caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        YamlFormatException e = assertThrows(YamlFormatException.class, () -> Yaml.read(f));
        assertTrue(e.getMessage().contains("model.yaml") && e.getMessage().contains("not UTF-8") && e.getMessage().contains("byte 9 is 0xe9"), e.getMessage());
        java.nio.file.Files.writeString(f, "name: caf\u00e9\n");
        assertEquals(java.util.Map.of("name", "caf\u00e9"), Yaml.read(f));
    }
}
