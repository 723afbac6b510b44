package dev.mesh.gateway.bridge;

import dev.mesh.common.MeshError;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which addresses a bridge client may send to (request and send), publish on, subscribe to and serve.
 * Each kind is a comma-separated list of regular expressions matched against the whole address; the
 * same rules hold for the HTTP bridge and the TCP bridge. A refusal is a 403 naming the address and
 * the setting that decides it.
 */
public final class AddressRules {

  public enum Kind {
    SEND("sending to", BridgeSettings.ALLOW_SEND),
    PUBLISH("publishing on", BridgeSettings.ALLOW_PUBLISH),
    SUBSCRIBE("subscribing to", BridgeSettings.ALLOW_SUBSCRIBE),
    SERVE("serving", BridgeSettings.ALLOW_SERVE);

    private final String verb;
    private final String setting;

    Kind(String verb, String setting) {
      this.verb = verb;
      this.setting = setting;
    }
  }

  /** What an event-bus address may look like at the bridge, checked before any rule or lookup. */
  static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9_.\\-]{1,200}");
  /** An address or a subscription pattern, where '*' stands for one dot-separated part. */
  static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_.\\-*]{1,200}");
  static final String ADDRESS_SHAPE = "an event-bus address such as 'mesh.users': letters, digits, '.', '_' and '-',"
      + " 1 to 200 characters";

  private final List<Pattern> send;
  private final List<Pattern> publish;
  private final List<Pattern> subscribe;
  private final List<Pattern> serve;
  private final String sendRegexes;
  private final String publishRegexes;
  private final String subscribeRegexes;

  public AddressRules(String send, String publish, String subscribe, String serve) {
    this.sendRegexes = send;
    this.publishRegexes = publish;
    this.subscribeRegexes = subscribe;
    this.send = compile(send, BridgeSettings.ALLOW_SEND);
    this.publish = compile(publish, BridgeSettings.ALLOW_PUBLISH);
    this.subscribe = compile(subscribe, BridgeSettings.ALLOW_SUBSCRIBE);
    this.serve = compile(serve, BridgeSettings.ALLOW_SERVE);
  }

  /** Whether an address has the shape every bridge call requires (a malformed one is a 400, not a 503). */
  static boolean wellFormed(String address) {
    return address != null && ADDRESS.matcher(address).matches();
  }

  public boolean allows(Kind kind, String address) {
    List<Pattern> patterns = switch (kind) {
      case SEND -> send;
      case PUBLISH -> publish;
      case SUBSCRIBE -> subscribe;
      case SERVE -> serve;
    };
    return address != null && patterns.stream().anyMatch(p -> p.matcher(address).matches());
  }

  /** Throws the 403 the client sees when the address is not allowed for this kind of use. */
  public void check(Kind kind, String address) {
    if (!allows(kind, address)) {
      throw refusal(kind, address);
    }
  }

  public static MeshError refusal(Kind kind, String address) {
    return new MeshError(403, "forbidden", kind.verb + " '" + address + "' is not permitted for bridge clients"
        + " (see " + kind.setting + ")", null);
  }

  /** The regexes as written in the settings, for the TCP bridge's own permission lists. */
  List<String> regexes(Kind kind) {
    String value = switch (kind) {
      case SEND -> sendRegexes;
      case PUBLISH -> publishRegexes;
      case SUBSCRIBE -> subscribeRegexes;
      case SERVE -> "";
    };
    return split(value);
  }

  private static List<Pattern> compile(String regexes, String setting) {
    try {
      return split(regexes).stream().map(Pattern::compile).toList();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(setting + " holds an invalid regular expression: " + e.getMessage());
    }
  }

  private static List<String> split(String regexes) {
    return Arrays.stream(regexes.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
