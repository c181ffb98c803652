package dev.vq4j.models.train;

import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.Rng;
import dev.vq4j.models.quant.ResidualVectorQuantizer;
import dev.vq4j.models.quant.VectorQuantizer;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The random generators that live inside a model and are drawn from during training: the
 * quantisers' own (k-means initialisation, dead-code restarts, quantise-dropout). Saved by module
 * name so a resumed run continues their sequences exactly. Modules that shared one generator when
 * saved share one restored generator again (the model is rebuilt the same way before restoring).
 */
final class ModelRngs {
    private ModelRngs() {}

    /** Module name → generator state, for every module that owns a generator. */
    static Map<String, long[]> capture(Module model) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            Rng rng = rngOf(e.getValue());
            if (rng != null) out.put(e.getKey(), rng.state());
        }
        return out;
    }

    /** Replaces each generator by the saved state; a missing or extra name is an error naming it. */
    static void restore(Module model, Map<String, long[]> states, String where) {
        Map<Rng, Rng> restored = new IdentityHashMap<>();
        Map<String, Module> modules = model.namedModules();
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            Rng current = rngOf(e.getValue());
            if (current == null) continue;
            long[] state = states.get(e.getKey());
            if (state == null)
                throw new IllegalArgumentException("resume: " + where + " has no generator state for module \"" + e.getKey() + "\" ("
                        + e.getValue().getClass().getSimpleName() + "); it was written by an older vq4j or for another model");
            Rng next = restored.computeIfAbsent(current, c -> Rng.restore(state));
            setRng(e.getValue(), next);
        }
        for (String name : states.keySet())
            if (!modules.containsKey(name) || rngOf(modules.get(name)) == null)
                throw new IllegalArgumentException("resume: " + where + " holds a generator state for module \"" + name + "\", which this model lacks");
    }

    private static Rng rngOf(Module m) {
        if (m instanceof VectorQuantizer q) return q.rng();
        if (m instanceof ResidualVectorQuantizer q) return q.rng();
        return null;
    }

    private static void setRng(Module m, Rng rng) {
        if (m instanceof VectorQuantizer q) q.setRng(rng);
        else if (m instanceof ResidualVectorQuantizer q) q.setRng(rng);
    }
}
