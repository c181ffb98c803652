package dev.vq4j.models.data;

import dev.vq4j.autograd.Tensor;

/**
 * The built-in dataset: {@code count} RGB images of {@code size}×{@code size} pixels, coloured shapes
 * and textures drawn deterministically from the seed (image i depends only on seed and i).
 */
public final class ProceduralImages implements ImageDataset {
    public ProceduralImages(long seed, int count, int size) {
        throw new UnsupportedOperationException("ProceduralImages: not implemented yet");
    }

    @Override
    public int size() {
        throw new UnsupportedOperationException("ProceduralImages: not implemented yet");
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public int height() {
        throw new UnsupportedOperationException("ProceduralImages: not implemented yet");
    }

    @Override
    public int width() {
        throw new UnsupportedOperationException("ProceduralImages: not implemented yet");
    }

    @Override
    public Tensor batch(int[] indices) {
        throw new UnsupportedOperationException("ProceduralImages: not implemented yet");
    }

    @Override
    public String describe() {
        throw new UnsupportedOperationException("ProceduralImages: not implemented yet");
    }
}
