package io.syncline.sync.transport;

/**
 * What a {@link FaultyLink} does to each frame. Probabilities are per frame and per direction.
 *
 * @param drop probability that a frame is lost
 * @param duplicate probability that a frame arrives twice (each copy with its own delay)
 * @param minDelayMillis least delay before a frame arrives
 * @param maxDelayMillis most delay; frames with different delays overtake each other
 * @param cut probability, per frame sent, that the link is cut (both ends close)
 */
public record FaultPlan(
    double drop, double duplicate, long minDelayMillis, long maxDelayMillis, double cut) {
  /** No faults, no delay: a perfect link. */
  public static final FaultPlan NONE = new FaultPlan(0, 0, 0, 0, 0);

  public FaultPlan {
    probability("drop", drop);
    probability("duplicate", duplicate);
    probability("cut", cut);
    if (minDelayMillis < 0 || maxDelayMillis < minDelayMillis) {
      throw new IllegalArgumentException(
          "FaultPlan delays must satisfy 0 <= minDelayMillis <= maxDelayMillis, were "
              + minDelayMillis + " and " + maxDelayMillis + ".");
    }
  }

  private static void probability(String name, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(
          "FaultPlan." + name + " must be a probability between 0 and 1, was " + p + ".");
    }
  }
}
