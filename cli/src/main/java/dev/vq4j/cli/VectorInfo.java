package dev.vq4j.cli;

/** Describes the Vector API on this machine without failing when the incubator module is absent. */
final class VectorInfo {
    private VectorInfo() {}

    static String describe() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty())
            return "jdk.incubator.vector not loaded (start the JVM with --add-modules jdk.incubator.vector)";
        return Species.describe();
    }

    /** Loaded only when the module is present. */
    private static final class Species {
        static String describe() {
            var s = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
            return "jdk.incubator.vector, preferred float species " + s.vectorBitSize() + " bits = " + s.length() + " lanes";
        }
    }
}
