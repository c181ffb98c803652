package dev.vq4j.opencl;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.optim.Adam;
import dev.vq4j.core.MemoryScope;
import dev.vq4j.core.Rng;
import dev.vq4j.kernels.device.CachingAllocator.MemoryStats;
import dev.vq4j.kernels.device.DeviceKernelBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device memory over a long training loop: each step runs in a {@link MemoryScope}, so its
 * activations and gradients go back to the caching allocator when the step ends, while the
 * parameters and Adam's state (kept by the optimiser) stay. After the first steps every request is
 * met from the cache: device memory is flat, and the driver is not called again.
 */
class OpenClMemoryTest {
    @AfterEach
    void restore() {
        Tensor.setDefaultDevice(dev.vq4j.core.Device.CPU);
    }

    @Test
    void aThousandTrainingStepsHoldSteadyDeviceMemory() {
        DeviceKernelBackend be = (DeviceKernelBackend) OpenClTesting.backend();
        Tensor.setDefaultDevice(be.device());
        Rng rng = new Rng(5);
        Tensor x, target, w1, w2;
        try (MemoryScope setup = MemoryScope.open()) { // what is not kept (the unscaled draws) is freed here
            x = Tensor.randn(rng, 32, 16).keep();
            target = Tensor.randn(rng, 32, 4).keep();
            w1 = Tensor.randn(rng, 16, 24).mul(0.25f).detach().requiresGrad(true).keep();
            w2 = Tensor.randn(rng, 24, 4).mul(0.2f).detach().requiresGrad(true).keep();
        }
        Adam adam = new Adam(List.of(w1, w2), 1e-2);
        MemoryStats afterWarmUp = null;
        float first = Float.NaN, last = Float.NaN;
        for (int step = 1; step <= 1000; step++) {
            try (MemoryScope ignored = MemoryScope.open()) {
                adam.zeroGrad();
                Tensor loss = x.matmul(w1).relu().matmul(w2).sub(target).square().mean();
                loss.backward();
                adam.step();
                if (step == 1) first = loss.item();
                last = loss.item();
            }
            if (step == 10) afterWarmUp = be.allocator().stats();
        }
        MemoryStats end = be.allocator().stats();
        assertTrue(last < 0.5f * first, "the loop trains: loss " + first + " -> " + last);
        // Other tests' forgotten tensors may be returned by the garbage collector meanwhile (the backend
        // is shared), so live bytes may fall; they must not grow, and the driver must not be asked again.
        assertTrue(end.bytesInUse() <= afterWarmUp.bytesInUse(), "bytes held by live tensors grew: " + afterWarmUp + " -> " + end);
        assertEquals(afterWarmUp.bytesFromDriver(), end.bytesFromDriver(), "bytes taken from the driver");
        assertEquals(afterWarmUp.driverAllocations(), end.driverAllocations(), "driver allocations after warm-up");
        System.out.printf("opencl memory over 1000 steps: %s%n", end);
    }
}
