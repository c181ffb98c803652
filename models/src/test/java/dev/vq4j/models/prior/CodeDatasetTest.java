package dev.vq4j.models.prior;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.models.data.ProceduralImages;
import dev.vq4j.models.train.TrainingData;
import dev.vq4j.models.vqvae.VqVae;
import dev.vq4j.models.vqvae.VqVaeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CodeDatasetTest {
    @Test
    void writesAndReadsCodesLabelsAndClassNames(@TempDir Path tmp) throws Exception {
        long[] codes = new long[3 * 2 * 2];
        for (int i = 0; i < codes.length; i++) codes[i] = i % 5;
        CodeDataset d = new CodeDataset(codes, 3, 2, 2, 5, new long[] {0, 1, 1}, List.of("a", "b"), "/runs/tok", "test");
        Path f = tmp.resolve("codes.safetensors");
        d.write(f);
        CodeDataset r = CodeDataset.read(f);
        assertEquals(3, r.size());
        assertEquals(5, r.codebookSize());
        assertEquals(List.of("a", "b"), r.classNames());
        assertEquals("/runs/tok", r.tokenizer());
        TrainingData.Batch b = r.examples(new int[] {2, 0});
        assertArrayEquals(new int[] {2, 2, 2}, b.inputs().shape());
        assertArrayEquals(new long[] {3, 4, 0, 1, 0, 1, 2, 3}, b.inputs().toLongArray());
        assertArrayEquals(new long[] {1, 0}, b.labels().toLongArray());
        assertArrayEquals(new int[] {1, 2}, r.classCounts());
        CodeDataset tail = r.slice(1, 2);
        assertArrayEquals(new long[] {1, 1}, tail.examples(new int[] {0, 1}).labels().toLongArray());
    }

    @Test
    void refusesCodesOutsideTheCodebookAndBadLabels() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CodeDataset(new long[] {0, 7}, 1, 1, 2, 5, null, null, null, ""));
        assertTrue(e.getMessage().contains("code 7") && e.getMessage().contains("[0, 5)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CodeDataset(new long[] {0, 1}, 1, 1, 2, 5, new long[] {2}, List.of("a", "b"), null, ""));
        assertTrue(e.getMessage().contains("label 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CodeDataset(new long[] {0, 1, 2}, 1, 1, 2, 5, null, null, null, ""));
    }

    @Test
    void aFileWithoutCodesIsRefusedByName(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("x.safetensors");
        dev.vq4j.core.io.SafeTensors.write(f, java.util.Map.of("other", dev.vq4j.core.io.TensorData.of(new float[] {1}, 1)));
        var e = assertThrows(IllegalArgumentException.class, () -> CodeDataset.read(f));
        assertTrue(e.getMessage().contains("no 'codes' tensor"), e.getMessage());
    }

    @Test
    void tokenizationEncodesEveryImageAndItsMirrorWithLabels() {
        Init.manualSeed(3);
        VqVae tok = new VqVae(new VqVaeConfig(3, 8, 4, 1, 4, "vq", 16, 4, 0.25, false));
        tok.eval();
        ProceduralImages data = new ProceduralImages(5, 10, 16);
        CodeDataset codes = Tokenization.run(tok, data, new Tokenization.Options(true, 1, 4), "tok", n -> {});
        assertEquals(20, codes.size());
        assertEquals(4, codes.height());
        assertEquals(ProceduralImages.CLASSES, codes.classNames());
        int[] all = new int[10];
        for (int i = 0; i < 10; i++) all[i] = i;
        Tensor direct = tok.encodeImages(data.batch(all));
        TrainingData.Batch first = codes.examples(new int[] {0, 1, 2, 3});
        assertArrayEquals(direct.narrow(0, 0, 4).contiguous().toLongArray(), first.inputs().toLongArray());
        Tensor mirrored = tok.encodeImages(Tokenization.mirror(data.batch(new int[] {0, 1, 2, 3})));
        assertArrayEquals(mirrored.contiguous().toLongArray(), codes.examples(new int[] {4, 5, 6, 7}).inputs().toLongArray());
        assertArrayEquals(first.labels().toLongArray(), codes.examples(new int[] {4, 5, 6, 7}).labels().toLongArray(), "a mirror keeps its label");
        var e = assertThrows(IllegalArgumentException.class, () -> Tokenization.run(tok, data, new Tokenization.Options(false, 2, 4), "tok", n -> {}));
        assertTrue(e.getMessage().contains("--copies 2"), e.getMessage());
    }

    @Test
    void builtInImagesAreLabelledByTheirMainShapeKindInBalance() {
        ProceduralImages data = new ProceduralImages(1, 400, 32);
        int[] idx = new int[400];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        long[] labels = data.labels(idx).toLongArray();
        assertArrayEquals(labels, data.labels(idx).toLongArray(), "deterministic");
        assertArrayEquals(new long[] {labels[7], labels[3]}, data.labels(new int[] {7, 3}).toLongArray(), "a label does not depend on the batch");
        int[] counts = new int[4];
        for (long l : labels) counts[(int) l]++;
        for (int c = 0; c < 4; c++) assertTrue(counts[c] > 40, "class " + ProceduralImages.CLASSES.get(c) + " has " + counts[c] + " of 400");
    }
}
