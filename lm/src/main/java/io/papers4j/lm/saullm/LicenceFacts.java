package io.papers4j.lm.saullm;

import java.util.List;
import java.util.Locale;

/**
 * Licence facts the SPDX list does not carry, as a stated rule by licence family (ours, not an
 * authority): copyleft = the GPL, LGPL, AGPL, MPL, EPL, EUPL, CDDL, OSL, CeCILL (not -B/-C), CPL,
 * IPL, RPL, SSPL, Sleepycat, APSL families and CC BY-SA; everything else is not copyleft.
 */
public final class LicenceFacts {
  private static final List<String> COPYLEFT_PREFIXES = List.of(
      "gpl-", "lgpl-", "agpl-", "mpl-", "epl-", "eupl-", "cddl-", "osl-", "cpl-", "ipl-", "rpl-", "sspl-",
      "sleepycat", "apsl-", "cc-by-sa-", "cc-by-nc-sa-", "gfdl-", "ms-rl", "qpl-", "cecill-1", "cecill-2");

  private LicenceFacts() {}

  /** Whether SPDX id {@code id} belongs to a copyleft family under the rule above. */
  public static boolean copyleft(String id) {
    String s = id.toLowerCase(Locale.ROOT);
    for (String p : COPYLEFT_PREFIXES) if (s.startsWith(p)) return true;
    return false;
  }
}
