package dev.vq4j.models.data;

import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BatchesTest {
    private final ImageDataset ten = new ProceduralImages(0, 10, 8);

    private static List<String> take(Batches b, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(Arrays.toString(b.next()));
        return out;
    }

    @Test
    void inOrderWithAndWithoutDropLast() {
        Batches keep = new Batches(ten, 4, false, new Rng(1), false);
        assertEquals(3, keep.batchesPerEpoch());
        assertEquals(List.of("[0, 1, 2, 3]", "[4, 5, 6, 7]", "[8, 9]", "[0, 1, 2, 3]"), take(keep, 4));
        assertEquals(1, keep.epoch());
        Batches drop = new Batches(ten, 4, false, new Rng(1), true);
        assertEquals(2, drop.batchesPerEpoch());
        assertEquals(List.of("[0, 1, 2, 3]", "[4, 5, 6, 7]", "[0, 1, 2, 3]"), take(drop, 3));
    }

    @Test
    void shuffleIsAPermutationPerEpochAndDeterministic() {
        Batches a = new Batches(ten, 5, true, new Rng(7), false), b = new Batches(ten, 5, true, new Rng(7), false);
        List<String> la = take(a, 6);
        assertEquals(la, take(b, 6));
        for (int e = 0; e < 3; e++) {
            int[] all = new int[10];
            int k = 0;
            for (int j = 0; j < 2; j++) for (String s : la.get(2 * e + j).replaceAll("[\\[\\] ]", "").split(",")) all[k++] = Integer.parseInt(s);
            Arrays.sort(all);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, all);
        }
        assertNotEquals(la.subList(0, 2), la.subList(2, 4), "epochs are reshuffled");
        assertNotEquals(la, take(new Batches(ten, 5, true, new Rng(8), false), 6), "seed matters");
        assertArrayEquals(new int[] {5, 3, 8, 8}, a.nextImages().shape());
    }

    @Test
    void resumeMidEpochIsExact() {
        Batches straight = new Batches(ten, 3, true, new Rng(3), true);
        List<String> expected = take(straight, 11);

        Batches first = new Batches(ten, 3, true, new Rng(3), true);
        List<String> got = new ArrayList<>(take(first, 4)); // one batch into epoch 1
        long[] saved = first.state().toLongs();
        Batches resumed = new Batches(ten, 3, true, new Rng(999), true);
        resumed.restore(Batches.State.fromLongs(saved));
        assertEquals(first.state(), resumed.state());
        got.addAll(take(resumed, 7));
        assertEquals(expected, got);
    }

    @Test
    void restOfEpochAndErrors() {
        Batches b = new Batches(ten, 4, false, new Rng(2), false);
        assertEquals(3, b.restOfEpoch().length);
        assertEquals(3, b.restOfEpoch().length);
        assertEquals(2, b.epoch());
        var e = assertThrows(IllegalArgumentException.class, () -> new Batches(ten, 11, true, new Rng(1), true));
        assertTrue(e.getMessage().contains("11") && e.getMessage().contains("10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Batches(ten, 0, true, new Rng(1), false));
        assertThrows(IllegalArgumentException.class, () -> Batches.State.fromLongs(new long[3]));
    }
}
