// A signed-in tab keeps its token in sessionStorage: it survives a reload
// but not the tab, and never reaches a bookmark or the address bar — a
// link's #token=… is taken once and removed from the address at once.

export class Session {
  constructor(app) {
    this.key = `accredit.${app}.token`;
  }

  // take reads #token=… (or #…&token=…) from the address, keeps it, and
  // rewrites the address without it; the answer is the token in force.
  take() {
    const params = new URLSearchParams(location.hash.replace(/^#\/?/, ''));
    const fresh = params.get('token');
    if (fresh) {
      sessionStorage.setItem(this.key, fresh.trim());
      params.delete('token');
      const rest = params.toString();
      history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
    }
    return this.token;
  }

  get token() { return sessionStorage.getItem(this.key) || ''; }

  set(token) { sessionStorage.setItem(this.key, token.trim()); }

  signOut() { sessionStorage.removeItem(this.key); }
}
