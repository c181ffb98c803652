package dev.vq4j.models.prior.maskgit;

import dev.vq4j.core.Device;

/** Every MaskGIT parity check on the reference backend (double accumulation). */
class MaskGitParityReferenceTest extends MaskGitParityTest {
    @Override
    Device device() {
        return Device.REFERENCE;
    }
}
