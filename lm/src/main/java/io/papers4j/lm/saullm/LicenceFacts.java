package io.papers4j.lm.saullm;

import java.util.List;
import java.util.Locale;

/**
 * Licence facts the SPDX list does not carry, as stated rules by licence family (ours, not an
 * authority; the SPDX list itself only says OSI-approved or not):
 *
 * <ul>
 *   <li>copyleft = the GPL, LGPL, AGPL, MPL, EPL, EUPL, CDDL, OSL, CeCILL (not -B/-C), CPL, IPL,
 *       RPL, SSPL, Sleepycat, APSL, GFDL, MS-RL, QPL families and CC BY-SA / BY-NC-SA;
 *   <li>source disclosure required = copyleft (a copyleft licence makes the covered source
 *       available with the binaries);
 *   <li>same licence required for a larger work = copyleft but not a weak (file- or library-level)
 *       copyleft family: LGPL, MPL, EPL, CDDL, CPL, IPL, APSL, MS-RL;
 *   <li>attribution required = everything except public-domain-style dedications (CC0, Unlicense,
 *       0BSD, MIT-0, WTFPL, PDDL, CC-PDDC, blessing, and the "public domain" SPDX ids).
 * </ul>
 */
public final class LicenceFacts {
  private static final List<String> COPYLEFT_PREFIXES = List.of(
      "gpl-", "lgpl-", "agpl-", "mpl-", "epl-", "eupl-", "cddl-", "osl-", "cpl-", "ipl-", "rpl-", "sspl-",
      "sleepycat", "apsl-", "cc-by-sa-", "cc-by-nc-sa-", "gfdl-", "ms-rl", "qpl-", "cecill-1", "cecill-2");
  private static final List<String> WEAK_COPYLEFT_PREFIXES = List.of(
      "lgpl-", "mpl-", "epl-", "cddl-", "cpl-", "ipl-", "apsl-", "ms-rl");
  private static final List<String> NO_ATTRIBUTION_PREFIXES = List.of(
      "cc0-", "unlicense", "0bsd", "mit-0", "wtfpl", "pddl-", "cc-pddc", "blessing", "publicdomain", "sax-pd",
      "libpng-2.0-pd", "pd-");

  private LicenceFacts() {}

  /** Whether SPDX id {@code id} belongs to a copyleft family under the rule above. */
  public static boolean copyleft(String id) {
    return startsWithAny(id, COPYLEFT_PREFIXES);
  }

  /** Whether distributing binaries obliges one to make the source available (= copyleft here). */
  public static boolean sourceDisclosure(String id) {
    return copyleft(id);
  }

  /** Whether a larger work that includes the software must carry the same licence (strong copyleft). */
  public static boolean sameLicence(String id) {
    return copyleft(id) && !startsWithAny(id, WEAK_COPYLEFT_PREFIXES);
  }

  /** Whether the copyright notice must be kept (all but public-domain-style dedications). */
  public static boolean attribution(String id) {
    return !startsWithAny(id, NO_ATTRIBUTION_PREFIXES);
  }

  private static boolean startsWithAny(String id, List<String> prefixes) {
    String s = id.toLowerCase(Locale.ROOT);
    for (String p : prefixes) if (s.startsWith(p)) return true;
    return false;
  }
}
