package dev.vq4j.kernels.device;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Backends;
import dev.vq4j.core.Buffer;
import dev.vq4j.core.Device;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Runs a kernel the device backend lacks on the cpu backend: every buffer the call touches is
 * copied to the host whole (so strides and offsets keep their meaning), the cpu kernel runs, and
 * the output buffers are copied back. Correct, and slow; the first use of each kernel on each
 * device type prints one warning so it is never silent. Every kernel has a device implementation;
 * this covers the calls they leave out (other dtypes, head dims above 128, top-k above 32, ...) and
 * the kernels a backend was told to run on the host ({@code -Dvq4j.hostKernels}).
 */
final class HostFallback {
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /** The cpu call, given a map from device views to their host copies. */
    interface HostCall {
        void run(Backend cpu, UnaryOperator<View> host);
    }

    private HostFallback() {}

    /** {@code whole}: the backend does not {@linkplain DeviceKernelBackend#supports support} the kernel, so every call comes here. */
    static void run(DeviceKernelBackend device, Kernel kernel, boolean whole, List<View> inputs, List<View> outputs, HostCall call) {
        if (WARNED.add(device.name() + "/" + kernel))
            System.err.println(whole
                    ? "vq4j: " + device.device() + " runs " + kernel.id() + " on the CPU ("
                            + (DeviceKernelBackend.nativeKernels().contains(kernel) ? "-Dvq4j.hostKernels" : "it has no device kernel")
                            + "), its tensors copied to the host"
                            + " and back (slow, but exact). Said once per kernel."
                    : "vq4j: " + device.device() + " has no device kernel for this " + kernel.id()
                            + " call (its dtype or size); it runs on the CPU, its tensors copied to the host and back (slow, but exact)."
                            + " Said once per kernel.");
        Backend cpu = Backends.get(Device.CPU);
        Map<Buffer, HostBuffer> copies = new IdentityHashMap<>();
        List<View> all = new ArrayList<>(inputs);
        all.addAll(outputs);
        for (View v : all) {
            if (v == null || copies.containsKey(v.buffer())) continue;
            DeviceBuffer db = device.deviceBuffer(v);
            copies.put(v.buffer(), HostBuffer.wrap(cpu, device.readWhole(db)));
        }
        call.run(cpu, v -> v == null ? null : new View(copies.get(v.buffer()), v.shape(), v.strides(), v.offset()));
        Map<Buffer, Boolean> written = new IdentityHashMap<>();
        for (View v : outputs) {
            if (v == null || written.put(v.buffer(), Boolean.TRUE) != null) continue;
            device.writeWhole(device.deviceBuffer(v), copies.get(v.buffer()).array());
        }
    }
}
