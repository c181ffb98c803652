package dev.vq4j.models.prior.gpt;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.io.Yaml;
import dev.vq4j.models.prior.SampleOptions;
import dev.vq4j.models.prior.SampleProgress;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TamingTransformer} on a tiny Net2NetTransformer-shaped Lightning checkpoint written by
 * PyTorch (gpt/make_reference.py: a VQGAN first stage, 8×8 images → 4×4 codes of K = 32, and a GPT of
 * vocab 32, block 16): the greedy codes must equal taming's sample loop and their decoded images
 * PyTorch's (relative error ≤ 1e-3, the VQGAN parity tolerance on the cpu backend).
 */
class GptTestTaming {
    static void check(String yaml, String name, int[] labels) throws Exception {
        Path dir = GptReference.dir();
        TamingTransformer.Loaded l = TamingTransformer.load(dir.resolve(yaml), dir.resolve("transformer.ckpt"));
        Map<String, Tensor> ref = GptReference.load("transformer_reference.safetensors");
        SampleOptions greedy = SampleOptions.DEFAULTS.withGreedy(true);
        Tensor codes = labels == null ? l.prior().sample(greedy.withCount(2), SampleProgress.NONE)
                : dev.vq4j.autograd.Shaping.cat(java.util.List.of(l.prior().sample(greedy.withCount(1).withClass(labels[0]), SampleProgress.NONE),
                        l.prior().sample(greedy.withCount(1).withClass(labels[1]), SampleProgress.NONE)), 0);
        assertArrayEquals(ref.get("codes_" + name).toLongArray(), codes.toLongArray(), name + " greedy codes");
        Tensor image = l.tokenizer().decodeCode(codes);
        double err = GptReference.relError(ref.get("image_" + name), image);
        System.out.printf("taming transformer %-8s greedy codes equal; decoded image rel %.2e%n", name, err);
        assertTrue(err <= 1e-3, name + " decoded image: relative error " + err);
        // the tokenizer's [0, 1] images are the same decode
        Tensor unit = l.tokenizer().decodeCodes(codes);
        assertTrue(GptReference.relError(ref.get("image_" + name).add(1f).mul(0.5f).clamp(0f, 1f), unit) <= 1e-3);
    }

    @Test
    void unconditionalCheckpointSamplesAsTaming() throws Exception {
        check("transformer.yaml", "uncond", null);
    }

    @Test
    void classConditionalCheckpointSamplesAsTaming() throws Exception {
        check("transformer_class.yaml", "class", new int[] {2, 7});
    }

    @Test
    void configIsReadFromTheYaml() throws Exception {
        Path dir = GptReference.dir();
        GptPriorConfig c = TamingTransformer.config(Yaml.read(dir.resolve("transformer_class.yaml"))).prior();
        assertEquals(32, c.codebookSize());
        assertEquals(4, c.gridH());
        assertEquals(4, c.gridW());
        assertEquals(10, c.numClasses());
        assertEquals(0, c.classOffset());
        assertEquals(-1, c.nullClassToken());
        assertEquals(0.9f, c.pkeep());
        assertEquals(new GptConfig(32, 16, 2, 2, 32), c.gpt());
        GptPriorConfig u = TamingTransformer.config(Yaml.read(dir.resolve("transformer.yaml"))).prior();
        assertEquals(0, u.numClasses());
        assertEquals(5, u.sosToken());
        assertEquals(32, u.lossVocab());
    }

    @Test
    void unsupportedPermuterAndCondStageAreNamed() throws Exception {
        String text = Files.readString(GptReference.dir().resolve("transformer.yaml"));
        Exception e = assertThrows(IllegalArgumentException.class, () -> TamingTransformer.config(Yaml.parse(
                text.replace("permuter.Identity", "permuter.AlternateParsing"))));
        assertTrue(e.getMessage().contains("taming.modules.transformer.permuter.AlternateParsing"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TamingTransformer.config(Yaml.parse(
                text.replace("__is_unconditional__", "__is_first_stage__"))));
        assertTrue(e.getMessage().contains("__is_first_stage__"), e.getMessage());
    }

    @Test
    void guidanceIsRefusedWithoutANullClass() throws Exception {
        Path dir = GptReference.dir();
        TamingTransformer.Loaded l = TamingTransformer.load(dir.resolve("transformer_class.yaml"), dir.resolve("transformer.ckpt"));
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> l.prior().sample(SampleOptions.DEFAULTS.withCount(1).withClass(1).withCfg(2f), SampleProgress.NONE));
        assertTrue(e.getMessage().contains("null class"), e.getMessage());
    }
}
