package dev.vq4j.examples;

import dev.vq4j.models.ImageTokenizer;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Path;
import java.util.List;

/** Usage: TokenizeImages RUN_DIR IN.png OUT.png — image to codes and back with a trained tokenizer. */
public class TokenizeImages {
    public static void main(String[] args) throws Exception {
        try (ImageTokenizer tokenizer = ImageTokenizer.load(Path.of(args[0]))) {
            BufferedImage image = ImageIO.read(new File(args[1]));
            int[][][] codes = tokenizer.encode(List.of(image));          // [image][row][col]
            System.out.printf("%s: %dx%d codes from a codebook of %d%n", tokenizer.modelType(),
                    codes[0].length, codes[0][0].length, tokenizer.codebookSize());
            BufferedImage back = tokenizer.decode(codes).getFirst();
            ImageIO.write(back, "png", new File(args[2]));
        }
    }
}
