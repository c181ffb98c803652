package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.oracle.Input;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.autograd.oracle.TorchText;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.vq4j.autograd.oracle.Input.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Modules against torch.nn modules holding the same weights: names, reprs, forward, input gradients
 * and parameter gradients.
 */
class ModuleParityTest extends TorchParityTest {
    // ---- structure ------------------------------------------------------------------------------

    @Test
    void stateDictNamesAndShapesMatchPyTorch() {
        String ours = String.join(",", nested().stateDict().entrySet().stream()
                .map(e -> e.getKey() + ":" + java.util.Arrays.toString(e.getValue().shape())).toList());
        String theirs = TorchText.eval(torch, "','.join(k + ':' + str(list(v.shape)) for k, v in " + ModuleTest.TORCH_NESTED + ".state_dict().items())");
        assertEquals(theirs, ours);
    }

    /** On every backend this suite runs on (OpenCL too): loading a module's own state dict copies each tensor onto itself, a no-op. */
    @Test
    void loadingItsOwnStateDictChangesNothing() {
        Module m = nested();
        Map<String, Tensor> before = new java.util.LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> before.put(k, v.clone()));
        m.loadStateDict(m.stateDict());
        m.stateDict().forEach((k, v) -> org.junit.jupiter.api.Assertions.assertArrayEquals(
                before.get(k).to(dev.vq4j.core.DType.FLOAT32).toFloatArray(), v.to(dev.vq4j.core.DType.FLOAT32).toFloatArray(), k));
    }

    @Test
    void parameterNamesMatchPyTorch() {
        String ours = String.join(",", nested().namedParameters().keySet());
        String theirs = TorchText.eval(torch, "','.join(k for k, _ in " + ModuleTest.TORCH_NESTED + ".named_parameters())");
        assertEquals(theirs, ours);
    }

    @Test
    void reprMatchesPyTorch() {
        assertEquals(TorchText.eval(torch, "str(" + ModuleTest.TORCH_NESTED + ")"), nested().toString());
        assertEquals(TorchText.eval(torch, "str(torch.nn.Sequential(torch.nn.GELU(), torch.nn.LeakyReLU(0.2), torch.nn.Tanh(), torch.nn.Sigmoid(), "
                        + "torch.nn.Identity(), torch.nn.LayerNorm((3, 4), eps=1e-06, elementwise_affine=False), "
                        + "torch.nn.GroupNorm(1, 4, affine=False), torch.nn.BatchNorm2d(5, momentum=None, track_running_stats=False), "
                        + "torch.nn.ConvTranspose2d(2, 4, (3, 2), stride=(2, 1), output_padding=(1, 0), dilation=2, bias=False)))"),
                new Sequential(new GELU(), new LeakyReLU(0.2f), new Tanh(), new Sigmoid(), new Identity(),
                        new LayerNorm(new int[] {3, 4}, 1e-6f, false), new GroupNorm(1, 4, 1e-5f, false), new BatchNorm2d(5, 1e-5f, null, true, false),
                        new ConvTranspose2d(2, 4, new int[] {3, 2}, new int[] {2, 1}, new int[] {0, 0}, new int[] {1, 0}, 1, false, new int[] {2, 2}, new Rng(0)))
                        .toString());
    }

    private static Sequential nested() {
        return ModuleTest.nested(1);
    }

    // ---- forward and gradients ------------------------------------------------------------------

    /**
     * torch module {@code ctor} with the given state loaded, applied to x0; the Java module to the same
     * x0. Compares the output and the gradient of x0.
     */
    private void checkForward(String name, Module m, String ctor, Input x, double tol) {
        Map<String, Tensor> state = m.stateDict();
        List<Input> inputs = new ArrayList<>(List.of(x));
        for (Tensor t : state.values()) inputs.add(Input.of(t.detach()).noGrad());
        torch.check(name).python(withState(ctor, state, 1, "m.train(" + (m.isTraining() ? "True" : "False") + ")", "m(x0)"))
                .java(xs -> m.forward(xs[0])).inputs(inputs.toArray(Input[]::new)).tol(tol).run();
    }

    /** Gradient of sum(m(x0) * x1) with respect to the parameter called param, against torch. */
    private void checkParamGrad(String name, Module m, String ctor, String param, Input x, int[] outShape, double tol) {
        Map<String, Tensor> state = m.stateDict();
        List<Input> inputs = new ArrayList<>(List.of(x.noGrad(), randn(outShape).noGrad()));
        for (Tensor t : state.values()) inputs.add(Input.of(t.detach()).noGrad());
        Function<Tensor[], Tensor> java = xs -> {
            m.zeroGrad();
            m.forward(xs[0]).mul(xs[1]).sum().backward();
            return m.namedParameters().get(param).grad();
        };
        String body = "(m(x0) * x1).sum().backward(), m.get_parameter('" + param + "').grad";
        torch.check(name).python(withState(ctor, state, 2, "m.train(" + (m.isTraining() ? "True" : "False") + ")", body))
                .java(java).inputs(inputs.toArray(Input[]::new)).tol(tol).forwardOnly().run();
    }

    /**
     * {@code (lambda m: (m.load_state_dict(the state, found in xs[first:]), steps...)[-1])(ctor)}: a torch
     * module with our weights, then the steps; the expression's value is the last step's.
     */
    private static String withState(String ctor, Map<String, Tensor> state, int first, String... steps) {
        String keys = "[" + String.join(", ", state.keySet().stream().map(k -> "'" + k + "'").toList()) + "]";
        String load = "m.load_state_dict(dict(zip(" + keys + ", xs[" + first + ":])))";
        return "(lambda m: (" + load + ", " + String.join(", ", steps) + ")[-1])(" + ctor + ")";
    }

    @Test
    void linear() {
        Linear l = new Linear(5, 3, true, new Rng(1));
        checkForward("nn.Linear", l, "torch.nn.Linear(5, 3)", randn(2, 4, 5), OpCheck.REDUCTION);
        checkParamGrad("nn.Linear.weight.grad", l, "torch.nn.Linear(5, 3)", "weight", randn(7, 5), new int[] {7, 3}, OpCheck.REDUCTION);
        checkParamGrad("nn.Linear.bias.grad", l, "torch.nn.Linear(5, 3)", "bias", randn(7, 5), new int[] {7, 3}, OpCheck.REDUCTION);
    }

    @Test
    void sequentialMlp() {
        Sequential m = new Sequential(new Linear(4, 6, true, new Rng(1)), new SiLU(), new Linear(6, 6, false, new Rng(2)), new GELU(),
                new Linear(6, 2, true, new Rng(3)), new Tanh());
        String ctor = "torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.SiLU(), torch.nn.Linear(6, 6, bias=False), torch.nn.GELU(), torch.nn.Linear(6, 2), torch.nn.Tanh())";
        checkForward("nn.Sequential", m, ctor, randn(5, 4), OpCheck.REDUCTION);
        checkParamGrad("nn.Sequential.2.weight.grad", m, ctor, "2.weight", randn(5, 4), new int[] {5, 2}, OpCheck.REDUCTION);
    }

    @Test
    void embedding() {
        Embedding e = new Embedding(11, 4, new Rng(2));
        Map<String, Tensor> state = e.stateDict();
        torch.check("nn.Embedding").python(withState("torch.nn.Embedding(11, 4)", state, 1, "m(x0)"))
                .java(xs -> e.forward(xs[0])).inputs(Input.indices(11, 3, 5), Input.of(state.get("weight")).noGrad()).run();
    }

    @Test
    void conv2d() {
        Conv2d c = new Conv2d(4, 6, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2}, 2, true, new Rng(3));
        String ctor = "torch.nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2)";
        checkForward("nn.Conv2d", c, ctor, randn(2, 4, 7, 9), OpCheck.REDUCTION);
        checkParamGrad("nn.Conv2d.weight.grad", c, ctor, "weight", randn(2, 4, 7, 9), new int[] {2, 6, 4, 7}, OpCheck.REDUCTION);
    }

    @Test
    void convTranspose2d() {
        ConvTranspose2d c = new ConvTranspose2d(4, 6, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 0}, 2, true,
                new int[] {1, 1}, new Rng(4));
        String ctor = "torch.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=(1, 0), groups=2)";
        checkForward("nn.ConvTranspose2d", c, ctor, randn(2, 4, 5, 6), OpCheck.REDUCTION);
        checkParamGrad("nn.ConvTranspose2d.weight.grad", c, ctor, "weight", randn(2, 4, 5, 6), new int[] {2, 6, 10, 11}, OpCheck.REDUCTION);
    }

    @Test
    void groupNorm() {
        GroupNorm g = new GroupNorm(3, 6);
        Init.uniform(g.weight(), 0.5, 1.5, new Rng(5));
        Init.uniform(g.bias(), -0.5, 0.5, new Rng(6));
        checkForward("nn.GroupNorm", g, "torch.nn.GroupNorm(3, 6)", randn(2, 6, 3, 5), OpCheck.REDUCTION);
        checkParamGrad("nn.GroupNorm.weight.grad", g, "torch.nn.GroupNorm(3, 6)", "weight", randn(2, 6, 3, 5), new int[] {2, 6, 3, 5}, OpCheck.REDUCTION);
    }

    @Test
    void layerNorm() {
        LayerNorm l = new LayerNorm(3, 5);
        Init.uniform(l.weight(), 0.5, 1.5, new Rng(7));
        Init.uniform(l.bias(), -0.5, 0.5, new Rng(8));
        checkForward("nn.LayerNorm", l, "torch.nn.LayerNorm((3, 5))", randn(4, 3, 5), OpCheck.REDUCTION);
        checkParamGrad("nn.LayerNorm.bias.grad", l, "torch.nn.LayerNorm((3, 5))", "bias", randn(4, 3, 5), new int[] {4, 3, 5}, OpCheck.REDUCTION);
    }

    @Test
    void batchNormTrainingUpdatesRunningStatsAsPyTorch() {
        BatchNorm2d bn = new BatchNorm2d(3);
        Init.uniform(bn.weight(), 0.5, 1.5, new Rng(9));
        Init.uniform(bn.bias(), -0.5, 0.5, new Rng(10));
        Map<String, Tensor> state = bn.stateDict();
        List<Input> inputs = new ArrayList<>(List.of(randn(4, 3, 5, 2)));
        for (Tensor t : state.values()) inputs.add(Input.of(t.detach().clone()).noGrad());
        // two training batches, then the running statistics and the eval output, concatenated
        String py = withState("torch.nn.BatchNorm2d(3)", state, 1, "m.train()", "m(x0)", "m(x0 * 2 + 1)", "m.eval()",
                "torch.cat([m.running_mean, m.running_var, m.num_batches_tracked.float().reshape(1), m(x0).flatten()])");
        torch.check("nn.BatchNorm2d.running").python(py).java(xs -> {
            bn.loadStateDict(state.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().clone())));
            bn.train();
            bn.forward(xs[0]);
            bn.forward(xs[0].mul(2).add(1));
            bn.eval();
            return dev.vq4j.autograd.Shaping.cat(List.of(bn.runningMean(), bn.runningVar(),
                    bn.numBatchesTracked().to(dev.vq4j.core.DType.FLOAT32).reshape(1), bn.forward(xs[0]).flatten()), 0);
        }).inputs(inputs.toArray(Input[]::new)).tol(OpCheck.REDUCTION).forwardOnly().run();
    }

    @Test
    void batchNormForwardInTrainingMode() {
        BatchNorm2d bn = new BatchNorm2d(3);
        Init.uniform(bn.weight(), 0.5, 1.5, new Rng(11));
        checkForward("nn.BatchNorm2d.train", bn, "torch.nn.BatchNorm2d(3)", randn(4, 3, 5, 2), OpCheck.REDUCTION);
    }

    @Test
    void dropoutIsIdentityInEvalAndInvertedInTraining() {
        Dropout d = new Dropout(0.3f, new Rng(12));
        Tensor x = Tensor.ones(200, 100);
        d.eval();
        assertEquals(x.sum().item(), d.forward(x).sum().item());
        d.train();
        float[] y = d.forward(x).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0) zeros++;
            else assertEquals(1 / 0.7f, v, 1e-6f);
        }
        assertEquals(0.3, zeros / 20000.0, 0.02);
    }
}
