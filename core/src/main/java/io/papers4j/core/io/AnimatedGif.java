package io.papers4j.core.io;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Animated GIFs with javax.imageio's GIF writer: the NETSCAPE2.0 looping extension, a per-frame
 * delay, integer nearest-neighbour up-scaling; written atomically. Reading composites every frame
 * over the previous ones, as a viewer displays them.
 */
public final class AnimatedGif {
  private AnimatedGif() {}

  /** Writes a looping GIF, each frame shown {@code delayMs} and scaled up by {@code scale}. */
  public static void write(Path file, List<BufferedImage> frames, int delayMs, int scale) {
    if (frames.isEmpty()) throw new IllegalArgumentException("no frames to write");
    if (scale < 1) throw new IllegalArgumentException("GIF scale must be >= 1, got " + scale);
    AtomicFiles.write(file, bytes(frames, delayMs, scale));
  }

  /** The GIF file's bytes. */
  public static byte[] bytes(List<BufferedImage> frames, int delayMs, int scale) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (BufferedImage f : frames) {
        BufferedImage img = scale(f, scale);
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(Math.max(1, delayMs / 10)));
        gce.setAttribute("transparentColorIndex", "0");
        IIOMetadataNode apps = child(root, "ApplicationExtensions");
        IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
        app.setAttribute("applicationID", "NETSCAPE");
        app.setAttribute("authenticationCode", "2.0");
        app.setUserObject(new byte[] {1, 0, 0}); // loop forever
        apps.appendChild(app);
        meta.setFromTree(format, root);
        writer.writeToSequence(new IIOImage(img, null, meta), param);
      }
      writer.endWriteSequence();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode GIF: " + e.getMessage(), e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static IIOMetadataNode child(IIOMetadataNode root, String name) {
    for (int i = 0; i < root.getLength(); i++) {
      if (root.item(i).getNodeName().equalsIgnoreCase(name)) return (IIOMetadataNode) root.item(i);
    }
    IIOMetadataNode n = new IIOMetadataNode(name);
    root.appendChild(n);
    return n;
  }

  /** Every frame of a GIF, composited as displayed (each frame drawn over the previous). */
  public static List<BufferedImage> read(Path file) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such GIF: " + file);
    List<BufferedImage> out = new ArrayList<>();
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      int n = reader.getNumImages(true);
      BufferedImage canvas = null;
      for (int i = 0; i < n; i++) {
        BufferedImage f = reader.read(i);
        IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
        IIOMetadataNode d = child(root, "ImageDescriptor");
        int left = Integer.parseInt(d.getAttribute("imageLeftPosition")), top = Integer.parseInt(d.getAttribute("imageTopPosition"));
        if (canvas == null) canvas = new BufferedImage(reader.getWidth(0) + left, reader.getHeight(0) + top, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.drawImage(f, left, top, null);
        g.dispose();
        BufferedImage copy = new BufferedImage(canvas.getWidth(), canvas.getHeight(), BufferedImage.TYPE_INT_RGB);
        copy.getGraphics().drawImage(canvas, 0, 0, null);
        out.add(copy);
      }
      reader.dispose();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(file + ": not a readable GIF: " + e.getMessage(), e);
    }
    return out;
  }

  private static BufferedImage scale(BufferedImage img, int scale) {
    if (scale == 1) return img;
    BufferedImage out = new BufferedImage(img.getWidth() * scale, img.getHeight() * scale, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(img, 0, 0, out.getWidth(), out.getHeight(), null); // nearest neighbour
    g.dispose();
    return out;
  }
}
