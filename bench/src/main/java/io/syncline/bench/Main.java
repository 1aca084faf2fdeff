package io.syncline.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar syncline-bench.jar W1|W2|W3|W4|W5|all [--runs N] [--rows N] [--timeout S] [--jvm-opt X]...}
 *
 * <p>Runs each workload of shared/bench/WORKLOADS.md N times (default 5), each run in a fresh child JVM
 * (same java binary, same class path, hidden {@code --child} flag), and prints one JSON line per run with
 * the peers' field names plus {@code "peer":"syncline"}. W1, W2 and W3 are one chain (W3 reports all
 * three); {@code all} runs W3, W4 and W5, like the peers' {@code run.mjs all}. {@code --rows} scales the
 * W1-W3 chain (default 100,000 rows = 1,000,000 cells), e.g. {@code W3 --rows 1000000} shows the delta
 * compute cost on a 10x larger store.
 */
public final class Main {
  private static final String RESULT = "RESULT ";
  /**
   * Options every child JVM starts with, before the user's {@code --jvm-opt}s, unless
   * {@code --no-heap-floor}. The protocol forces full GCs right
   * before W1 and W2; without a floor G1 answers them by handing most of the heap back to the
   * operating system, and the timed step then pays thousands of page faults to take it back (see
   * bench/README.md, "Garbage collection"). A heap that stays committed is how services run.
   */
  static final List<String> CHILD_JVM_OPTS = List.of("-Xms1g");

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      child(args);
      return;
    }
    List<String> positional = new ArrayList<>();
    List<String> jvmOpts = new ArrayList<>();
    boolean heapFloor = true;
    int runs = 5;
    Integer rows = null;
    long timeoutS = 600;
    int warmup = 0;
    double durabilitySeconds = 3;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--runs": runs = Integer.parseInt(args[++i]); break;
        case "--rows": rows = Integer.parseInt(args[++i]); break;
        case "--timeout": timeoutS = Long.parseLong(args[++i]); break;
        case "--jvm-opt": jvmOpts.add(args[++i]); break;
        case "--no-heap-floor": heapFloor = false; break;
        case "--warmup": warmup = Integer.parseInt(args[++i]); break;
        case "--seconds": durabilitySeconds = Double.parseDouble(args[++i]); break;
        case "-h":
        case "--help":
          usage();
          return;
        default:
          if (a.startsWith("--")) {
            System.err.println("unknown option " + a);
            usage();
            System.exit(2);
          }
          positional.add(a);
      }
    }
    String which = positional.isEmpty() ? "all" : positional.get(0);
    if (which.equals("durability")) {
      DurabilityBench.run(durabilitySeconds, positional.subList(1, positional.size()));
      return;
    }
    List<String> workloads = new ArrayList<>();
    if (which.equals("all")) workloads.addAll(List.of("W3", "W4", "W5"));
    else if (which.matches("W[1-5]")) workloads.add(which);
    else {
      System.err.println("unknown workload " + which + (which.equals("W6") ? " (W6 is `syncline loadtest`, not part of this jar yet)" : ""));
      usage();
      System.exit(2);
    }
    if (heapFloor) {
      jvmOpts.addAll(0, CHILD_JVM_OPTS);
    }
    int failures = 0;
    for (String w : workloads) {
      for (int run = 0; run < runs; run++) {
        if (!runChild(w, run, rows, warmup, jvmOpts, timeoutS)) {
          failures++;
          break;
        }
      }
    }
    System.exit(failures == 0 ? 0 : 1);
  }

  private static void usage() {
    System.err.println("usage: java -jar syncline-bench.jar W1|W2|W3|W4|W5|all|durability [--runs N] [--rows N] [--warmup N]"
        + " [--timeout S] [--jvm-opt X]... [--no-heap-floor]\n"
        + "  --warmup N: before the measured run, run the same workload N times in the same JVM on fresh stores and"
        + " discard the results (JIT warm-up, WORKLOADS.md §6); default 0, a cold JVM as the peers are measured\n"
        + "  --jvm-opt X: an option for the child JVMs, after the default " + CHILD_JVM_OPTS + "\n"
        + "  --no-heap-floor: without " + CHILD_JVM_OPTS + " (see bench/README.md, \"Garbage collection\")\n"
        + "  durability [fsync|journal|sqlite|autosave|coldStart]... [--seconds S] (default all): fsync rate, SYNC"
        + " journal vs SQLite synchronous=FULL at 1/4/16 writers,"
        + " auto-save cost, cold start from each persister");
  }

  /** Starts one fresh JVM for one run; prints its JSON line (or an error line); true on success. */
  private static boolean runChild(String w, int run, Integer rows, int warmup, List<String> jvmOpts, long timeoutS)
      throws Exception {
    String java = ProcessHandle.current().info().command()
        .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    // with `java -jar` the class path is the jar itself; from a class-path launch it is passed on as is
    String cp = System.getProperty("java.class.path");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmOpts);
    cmd.addAll(List.of("-cp", cp, Main.class.getName(), "--child", w));
    if (rows != null) cmd.addAll(List.of("--rows", rows.toString()));
    if (warmup > 0) cmd.addAll(List.of("--warmup", Integer.toString(warmup)));
    String started = Instant.now().toString();
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String result = null;
    StringBuilder other = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      // read on this thread; the timeout below only applies after stdout closes
      Thread killer = new Thread(() -> {
        try {
          if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      killer.setDaemon(true);
      killer.start();
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith(RESULT)) result = line.substring(RESULT.length());
        else other.append(line).append('\n');
      }
    }
    boolean exited = p.waitFor(timeoutS, TimeUnit.SECONDS);
    int status = exited ? p.exitValue() : -1;
    if (result == null || status != 0) {
      Json j = new Json();
      j.obj().str("workload", w).str("peer", "syncline").num("run", run).str("started", started)
          .str("error", exited ? "no result" : "timeout").num("status", status)
          .str("stdout", tail(other.toString(), 2000)).end();
      System.out.println(j);
      System.out.flush();
      return false;
    }
    // append the run bookkeeping the peers' raw.jsonl lines carry (run, started, runtime version)
    String extra = ",\"run\":" + run + ",\"started\":\"" + started + "\",\"java\":\"" + System.getProperty("java.version") + "\"}";
    System.out.println(result.substring(0, result.length() - 1) + extra);
    System.out.flush();
    return true;
  }

  private static String tail(String s, int n) {
    return s.length() <= n ? s : s.substring(s.length() - n);
  }

  /** {@code --child W [--rows N]}: runs one workload in this JVM and prints {@code RESULT <json>}. */
  private static void child(String[] args) {
    String w = args[1];
    int rows = 100_000;
    int warmup = 0;
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals("--rows")) rows = Integer.parseInt(args[++i]);
      else if (args[i].equals("--warmup")) warmup = Integer.parseInt(args[++i]);
    }
    for (int i = 0; i < warmup; i++) {
      run(w, new Json().obj(), rows); // discarded: warms the JIT on the same work, as JMH warm-up iterations do
    }
    Json j = new Json();
    j.obj().str("workload", w).str("peer", "syncline");
    if (warmup > 0) j.num("warmup", warmup);
    // which collector and options the figures were taken with (bench/README.md, "Garbage collection")
    j.str("gc", String.join(", ", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(java.lang.management.GarbageCollectorMXBean::getName).toList()));
    List<String> jvmArgs = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
    if (!jvmArgs.isEmpty()) {
      j.arr("jvmArgs");
      jvmArgs.forEach(j::elem);
      j.endArr();
    }
    run(w, j, rows);
    j.end();
    System.out.println(RESULT + j);
    System.out.flush();
  }

  private static void run(String w, Json j, int rows) {
    switch (w) {
      case "W1":
      case "W2":
      case "W3":
        Workloads.w123(j, rows, w.charAt(1) - '0', 1000);
        break;
      case "W4":
        Workloads.w4(j, 10_000);
        break;
      case "W5":
        Workloads.w5(j, 10, 1000, 10_000, 3);
        break;
      default:
        throw new IllegalArgumentException("unknown workload " + w);
    }
  }
}
