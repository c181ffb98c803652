package dev.vq4j.models.vqgan;

import dev.vq4j.core.Device;

/** Every VQGAN parity check on the reference backend (double accumulation), at the 1e-4. */
class VqganParityReferenceTest extends VqganParityTest {
    @Override
    Device device() {
        return Device.REFERENCE;
    }

    @Override
    double tolerance() {
        return 1e-4;
    }
}
