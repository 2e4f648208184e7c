// The countries a nationality may name: ISO 3166-1 alpha-3 codes, as the
// server checks them, each with its alpha-2 code so that the browser can
// name the country in the page's language (Intl.DisplayNames) and this
// file holds no text to translate. UNK is Kosovo's user-assigned code.

const PAIRS = `
ABWAW AFGAF AGOAO AIAAI ALAAX ALBAL ANDAD AREAE ARGAR ARMAM ASMAS ATAAQ ATFTF ATGAG AUSAU AUTAT
AZEAZ BDIBI BELBE BENBJ BESBQ BFABF BGDBD BGRBG BHRBH BHSBS BIHBA BLMBL BLRBY BLZBZ BMUBM BOLBO
BRABR BRBBB BRNBN BTNBT BVTBV BWABW CAFCF CANCA CCKCC CHECH CHLCL CHNCN CIVCI CMRCM CODCD COGCG
COKCK COLCO COMKM CPVCV CRICR CUBCU CUWCW CXRCX CYMKY CYPCY CZECZ DEUDE DJIDJ DMADM DNKDK DOMDO
DZADZ ECUEC EGYEG ERIER ESHEH ESPES ESTEE ETHET FINFI FJIFJ FLKFK FRAFR FROFO FSMFM GABGA GBRGB
GEOGE GGYGG GHAGH GIBGI GINGN GLPGP GMBGM GNBGW GNQGQ GRCGR GRDGD GRLGL GTMGT GUFGF GUMGU GUYGY
HKGHK HMDHM HNDHN HRVHR HTIHT HUNHU IDNID IMNIM INDIN IOTIO IRLIE IRNIR IRQIQ ISLIS ISRIL ITAIT
JAMJM JEYJE JORJO JPNJP KAZKZ KENKE KGZKG KHMKH KIRKI KNAKN KORKR KWTKW LAOLA LBNLB LBRLR LBYLY
LCALC LIELI LKALK LSOLS LTULT LUXLU LVALV MACMO MAFMF MARMA MCOMC MDAMD MDGMG MDVMV MEXMX MHLMH
MKDMK MLIML MLTMT MMRMM MNEME MNGMN MNPMP MOZMZ MRTMR MSRMS MTQMQ MUSMU MWIMW MYSMY MYTYT NAMNA
NCLNC NERNE NFKNF NGANG NICNI NIUNU NLDNL NORNO NPLNP NRUNR NZLNZ OMNOM PAKPK PANPA PCNPN PERPE
PHLPH PLWPW PNGPG POLPL PRIPR PRKKP PRTPT PRYPY PSEPS PYFPF QATQA REURE ROURO RUSRU RWARW SAUSA
SDNSD SENSN SGPSG SGSGS SHNSH SJMSJ SLBSB SLESL SLVSV SMRSM SOMSO SPMPM SRBRS SSDSS STPST SURSR
SVKSK SVNSI SWESE SWZSZ SXMSX SYCSC SYRSY TCATC TCDTD TGOTG THATH TJKTJ TKLTK TKMTM TLSTL TONTO
TTOTT TUNTN TURTR TUVTV TWNTW TZATZ UGAUG UKRUA UMIUM URYUY USAUS UZBUZ VATVA VCTVC VENVE VGBVG
VIRVI VNMVN VUTVU WLFWF WSMWS YEMYE ZAFZA ZMBZM ZWEZW
UNKXK`;

export const COUNTRIES = PAIRS.split(/\s+/).filter(Boolean).map((p) => [p.slice(0, 3), p.slice(3)]);

// countryName is "Austria (AUT)" for AUT, or the code when unknown.
export function countryName(a3, locale) {
  const pair = COUNTRIES.find(([code]) => code === a3);
  if (!pair) return a3;
  try {
    const name = new Intl.DisplayNames([locale], { type: 'region' }).of(pair[1]);
    return name && name !== pair[1] ? `${name} (${a3})` : a3;
  } catch {
    return a3;
  }
}

// countryOptions are [alpha-3, name] pairs sorted by name in the locale.
export function countryOptions(locale) {
  let names = null;
  try { names = new Intl.DisplayNames([locale], { type: 'region' }); } catch { /* an old browser: codes only */ }
  const named = COUNTRIES.map(([a3, a2]) => {
    let name = '';
    try { name = names ? names.of(a2) : ''; } catch { name = ''; }
    return [a3, name && name !== a2 ? `${name} (${a3})` : a3];
  });
  return named.sort((a, b) => a[1].localeCompare(b[1], locale));
}
