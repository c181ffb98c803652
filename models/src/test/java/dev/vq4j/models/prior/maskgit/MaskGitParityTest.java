package dev.vq4j.models.prior.maskgit;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Device;
import dev.vq4j.core.Rng;
import dev.vq4j.models.testing.PythonReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MaskGitTransformer against a PyTorch reference of the same design (resources/maskgit/make_reference.py):
 * random float32 weights loaded strictly by name, the reference run in float64. Checked: the logits, the
 * masked cross-entropy, and the gradient of that loss for every parameter, both through the plain
 * {@code logits} + ignore_index path and through the prior's own path (hidden states gathered at the masked
 * positions, then the head). Error per element: |ours − torch| / max(|torch|, 1e-2·max|torch|), at most 1e-4.
 * Without PyTorch the class is skipped, unless CI=true.
 */
class MaskGitParityTest {
    static final double TOL = 1e-4;
    static final MaskGitConfig COND = new MaskGitConfig(12, 3, 4, 5, 2, 2, 16, 40, 0f, 0.1f);
    static final MaskGitConfig UNCOND = new MaskGitConfig(7, 2, 3, 0, 1, 4, 8, 16, 0f, 0f);
    static final PythonReference REFERENCE = new PythonReference("MaskGIT reference", "/maskgit/make_reference.py", "/oracle/torch_oracle.py");

    Device device() {
        return Device.CPU;
    }

    @BeforeEach
    void useDevice() {
        Tensor.setDefaultDevice(device());
    }

    @AfterEach
    void restoreDevice() {
        Tensor.setDefaultDevice(Device.CPU);
    }

    @BeforeAll
    static void generate() {
        REFERENCE.dir();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        REFERENCE.delete();
    }

    static Map<String, Tensor> load(String file) throws IOException {
        return REFERENCE.load(file);
    }

    static double relError(Tensor expected, Tensor actual) {
        return PythonReference.relError(expected, actual);
    }

    static double assertClose(String what, Tensor expected, Tensor actual) {
        double err = relError(expected, actual);
        System.out.printf("maskgit parity [%s] %-45s rel %.2e%n", Tensor.defaultDevice(), what, err);
        assertTrue(err <= TOL, what + ": relative error " + err + " > " + TOL);
        return err;
    }

    static MaskGitTransformer loaded(MaskGitConfig c, String tag) throws IOException {
        MaskGitTransformer m = new MaskGitTransformer(c, new Rng(99));
        m.loadStateDict(load(tag + "_model.safetensors")); // strict: same names and shapes
        return m;
    }

    @Test
    void stateDictNamesMatchTheReference() throws IOException {
        for (var c : List.of(Map.entry("cond", COND), Map.entry("uncond", UNCOND))) {
            MaskGitTransformer m = new MaskGitTransformer(c.getValue(), new Rng(1));
            assertEquals(new TreeSet<>(load(c.getKey() + "_model.safetensors").keySet()), new TreeSet<>(m.stateDict().keySet()), c.getKey());
        }
        assertTrue(new MaskGitTransformer(COND, new Rng(1)).stateDict().containsKey("cls_emb.weight"));
        assertTrue(!new MaskGitTransformer(UNCOND, new Rng(1)).stateDict().containsKey("cls_emb.weight"));
    }

    @Test
    void conditionalMatchesPyTorch() throws IOException {
        check(COND, "cond");
    }

    @Test
    void unconditionalMatchesPyTorch() throws IOException {
        check(UNCOND, "uncond");
    }

    private void check(MaskGitConfig c, String tag) throws IOException {
        MaskGitTransformer m = loaded(c, tag);
        m.eval();
        Map<String, Tensor> ref = load(tag + "_reference.safetensors");
        Tensor tokens = ref.get("tokens"), targets = ref.get("targets"), labels = ref.get("labels");
        int b = tokens.size(0), n = c.numTokens(), k = c.codebookSize();

        // 1. logits and loss through logits + ignore_index
        Tensor logits = m.logits(tokens, labels);
        assertClose(tag + " logits", ref.get("logits"), logits);
        Tensor loss = dev.vq4j.autograd.Losses.crossEntropy(logits.reshape(b * n, k), targets.reshape(b * n));
        assertClose(tag + " masked cross-entropy", ref.get("loss"), loss);
        m.zeroGrad();
        loss.backward();
        int checked = checkGrads(tag + " (logits path)", m, ref);

        // 2. the prior's path: gather the masked hidden states, then the head
        long[] t = tokens.toLongArray(), y = targets.toLongArray();
        List<Long> at = new ArrayList<>(), want = new ArrayList<>();
        for (int i = 0; i < y.length; i++) if (y[i] != -100) { at.add((long) i); want.add(y[i]); }
        MaskGitMasking masking = new MaskGitMasking(t, at.stream().mapToLong(Long::longValue).toArray(), want.stream().mapToLong(Long::longValue).toArray());
        MaskGitPrior prior = new MaskGitPrior(m);
        Tensor priorLoss = prior.lossOn(masking, labels == null ? null : labels.toLongArray(), b, Tensor.defaultDevice());
        assertClose(tag + " prior loss (gathered)", ref.get("loss"), priorLoss);
        m.zeroGrad();
        priorLoss.backward();
        assertEquals(checked, checkGrads(tag + " (prior path)", m, ref));
        assertEquals(m.namedParameters().size(), checked, "every parameter has a reference gradient");
    }

    private static int checkGrads(String what, MaskGitTransformer m, Map<String, Tensor> ref) {
        int n = 0;
        double worst = 0;
        for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
            Tensor want = ref.get("grad." + p.getKey());
            assertNotNull(want, "reference gradient for " + p.getKey());
            assertNotNull(p.getValue().grad(), what + ": no gradient reached " + p.getKey());
            double err = relError(want, p.getValue().grad());
            assertTrue(err <= TOL, what + " d loss / d " + p.getKey() + ": relative error " + err + " > " + TOL);
            worst = Math.max(worst, err);
            n++;
        }
        System.out.printf("maskgit parity [%s] %-45s rel %.2e (worst of %d parameters)%n", Tensor.defaultDevice(), what + " gradients", worst, n);
        return n;
    }
}
